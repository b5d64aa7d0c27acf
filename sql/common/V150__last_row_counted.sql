-- Whether the request of a file's last record counts in billing (accepted, held for a price, or the rest of a cut
-- row that counted), false when it was a duplicate or rejected; null when the file had no record or was read before
-- this column. A later version of the file that goes on inside that row (it was read while being written, with no
-- line end after it) judges the rest of the row by it: counted, the rest is rejected COMPLETES_CUT_ROW; not, the
-- rest is a row as any other.
ALTER TABLE ingested_file ADD COLUMN last_row_counted BOOLEAN;
