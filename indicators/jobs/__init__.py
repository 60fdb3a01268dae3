"""Long work, done apart from the request that asked for it: checking and applying a spreadsheet
import, with progress any page can show."""
