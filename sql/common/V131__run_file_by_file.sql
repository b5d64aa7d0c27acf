-- The runs that saw a content: a run looks up the earlier paths of the contents it could not read, to resolve
-- their findings once a path holds other content (FileRegistry.unreadContentsReplacedIn).
CREATE INDEX ix_run_file_file ON run_file (file_id, ingest_run);
