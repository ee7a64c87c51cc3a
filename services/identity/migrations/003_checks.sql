-- Named checks, so that a refusal can name the field it concerns, and the
-- rule that a government affairs secretary serves a district leader (R-SEC-1).

ALTER TABLE users RENAME CONSTRAINT users_check TO users_secretary_is_staff;
ALTER TABLE users RENAME CONSTRAINT users_check1 TO users_only_secretaries_serve;
ALTER TABLE users RENAME CONSTRAINT users_check2 TO users_gov_affairs_is_deputy;
ALTER TABLE departments RENAME CONSTRAINT departments_check TO departments_secretariat_is_section;

CREATE FUNCTION users_check_leader() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.serves_leader_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM users WHERE id = NEW.serves_leader_id
          AND position IN ('district_mayor', 'deputy_mayor')) THEN
        RAISE EXCEPTION 'a secretary serves a district leader'
            USING ERRCODE = '23514', CONSTRAINT = 'users_serves_a_district_leader';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER users_serves_a_district_leader
    BEFORE INSERT OR UPDATE OF serves_leader_id ON users
    FOR EACH ROW EXECUTE FUNCTION users_check_leader();
