-- R-LET-4: stubs are archived and kept three years from issue; nothing
-- deletes one earlier. The service refuses such a delete (409), and the
-- database refuses it too, whoever asks, as it refuses changes to the use
-- log (R-SEAL-4). A letter never issued has no stub and is kept as well.

CREATE FUNCTION refuse_young_stub_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.issued_at IS NULL OR OLD.issued_at > now() - interval '3 years' THEN
        RAISE EXCEPTION 'introduction letter % is kept three years from issue (R-LET-4)', OLD.id
            USING ERRCODE = '42501';
    END IF;
    RETURN OLD;
END $$;
COMMENT ON FUNCTION refuse_young_stub_delete() IS 'Refuses deleting an introduction letter stub before its three years from issue (R-LET-4).';

CREATE TRIGGER intro_letters_retention BEFORE DELETE ON intro_letters
    FOR EACH ROW EXECUTE FUNCTION refuse_young_stub_delete();

CREATE FUNCTION refuse_stub_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'introduction letter stubs are removed one by one after retention (R-LET-4)'
        USING ERRCODE = '42501';
END $$;
CREATE TRIGGER intro_letters_no_truncate BEFORE TRUNCATE ON intro_letters
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_stub_truncate();
REVOKE TRUNCATE ON intro_letters FROM PUBLIC;
REVOKE TRUNCATE ON intro_letters FROM CURRENT_USER;
