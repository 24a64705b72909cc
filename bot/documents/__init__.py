"""Documents people receive: the periodic report (.docx in the state form, .xlsx) and charts (PNG)."""
