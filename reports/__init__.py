"""Reports for the standing office: the classification summary, a chart and the Excel table."""
