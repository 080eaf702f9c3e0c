"""Import and export of the formats the field already uses: Meeting Guide JSON, BMLT and the TSML CSV."""
