"""The reporting layer every report shares, whichever app draws its figures.

- `tables`: a report table is one `Table` (title, columns with headings, definitions and types,
  rows), rendered on the page (`courses/reports/table.html`) and in the board PDF, written to
  XLSX and CSV, and served by the API with a schema generated from its columns, so the four
  cannot disagree. A new column is one more `Column` where the table is declared.
- `views`: the scope of a report (agencies, period, course, job role), its filters, the page
  that says what to put right in a period, and the downloads with their header block.
- `tabs`: apps add a tab to the leads' Reports through the `register_report_tab` hook.
"""
