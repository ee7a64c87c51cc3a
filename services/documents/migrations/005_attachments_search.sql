-- Attachments of outgoing documents, stored with their SHA-256 (DESIGN
-- section 6), and the search of titles and numbers by any substring,
-- Chinese included, through a trigram index (pg_trgm, created by
-- deploy/sql/bootstrap.sql) instead of a scan of every row.

CREATE TABLE document_attachments (
    id           bigserial PRIMARY KEY,
    document_id  bigint NOT NULL REFERENCES documents(id),
    filename     text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255
                                      AND filename !~ '[/\\[:cntrl:]]'),
    content_type text NOT NULL CHECK (length(content_type) BETWEEN 1 AND 200),
    size         bigint NOT NULL CHECK (size >= 1),
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    data         bytea NOT NULL,
    uploader_id  bigint NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (octet_length(data) = size)
);
COMMENT ON TABLE document_attachments IS 'Files attached to an outgoing document, with their SHA-256; never changed.';
CREATE INDEX document_attachments_document ON document_attachments (document_id, id);

-- GET /documents?q=: the title and the number, one text, by trigrams.
CREATE INDEX documents_search ON documents
    USING gin ((title || ' ' || coalesce(doc_number, '')) public.gin_trgm_ops);
