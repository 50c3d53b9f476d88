-- Populating a node from the tier above it (paper section 6: "the stored
-- functions were used to populate the database"): the lower node pulls pages
-- of rows over its dblink link from the upper node's export_rows().

CREATE OR REPLACE FUNCTION redbox.pull_page(p_target text, p_what text, p_scope text, p_after text, p_limit int)
RETURNS jsonb LANGUAGE plpgsql SET search_path = redbox, pg_temp AS $$
DECLARE
    v_server text;
    v_rows jsonb;
BEGIN
    SELECT server_name INTO v_server FROM node_link WHERE target = p_target;
    IF v_server IS NULL THEN
        RAISE EXCEPTION 'no link to %', p_target USING ERRCODE = 'RB500';
    END IF;
    SELECT t.rows INTO v_rows
      FROM ext.dblink(v_server, format('SELECT redbox.export_rows(%L, %L, %L, %s)', p_what, p_scope, p_after, p_limit))
           AS t(rows jsonb);
    RETURN v_rows;
END
$$;
