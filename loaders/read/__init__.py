"""Reading files into one record: formats, text, PDF, sheets, grids, forms, blocks, years, coverage."""
