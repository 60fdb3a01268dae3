"""Review reports: a plan's mid-term or final evaluation as a Word document and a PDF, in each language."""
