-- Configuration written by the deploy tool at every `up` (as the superuser):
-- who this node is and its dblink links (paper section 5). Not granted to anyone.

DROP FUNCTION IF EXISTS redbox.configure_identity(text, text, text, text);
CREATE OR REPLACE FUNCTION redbox.configure_identity(p_node text, p_tier text, p_coast text)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO redbox.node_identity (one, node_name, tier, coast)
    VALUES (true, p_node, p_tier, p_coast)
    ON CONFLICT (one) DO UPDATE SET node_name = EXCLUDED.node_name, tier = EXCLUDED.tier, coast = EXCLUDED.coast;
$$;

-- The paper's CREATE SERVER ... FOREIGN DATA WRAPPER dblink_fdw, with both
-- servers of the target pair (libpq picks the primary: target_session_attrs)
-- and TLS verify-full.
CREATE OR REPLACE FUNCTION redbox.configure_link(p_target text, p_tier text, p_coast text, p_kind text,
                                                 p_server text, p_options jsonb)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    opts text;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_foreign_server WHERE srvname = p_server) THEN
        EXECUTE format('DROP SERVER %I CASCADE', p_server);
    END IF;
    SELECT string_agg(format('%I %L', key, value), ', ' ORDER BY key) INTO opts FROM jsonb_each_text(p_options);
    EXECUTE format('CREATE SERVER %I FOREIGN DATA WRAPPER dblink_fdw OPTIONS (%s)', p_server, opts);
    EXECUTE format('GRANT USAGE ON FOREIGN SERVER %I TO redbox_owner', p_server);
    INSERT INTO redbox.node_link (target, target_tier, target_coast, kind, server_name)
    VALUES (p_target, p_tier, p_coast, p_kind, p_server)
    ON CONFLICT (target) DO UPDATE SET target_tier = EXCLUDED.target_tier, target_coast = EXCLUDED.target_coast,
                                       kind = EXCLUDED.kind, server_name = EXCLUDED.server_name;
END
$$;

-- The paper's CREATE USER MAPPING: our functions (owned by redbox_owner) reach
-- the target as this node's own login there (a member of its "peer" group,
-- which may only run the hop functions); the target knows the sender by it.
DROP FUNCTION IF EXISTS redbox.configure_link_password(text, text);
CREATE OR REPLACE FUNCTION redbox.configure_link_password(p_server text, p_login text, p_password text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE USER MAPPING FOR redbox_owner SERVER %I OPTIONS (user %L, password %L)',
                   p_server, p_login, p_password);
END
$$;

CREATE OR REPLACE FUNCTION redbox.configure_drop_links_except(p_keep text[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    s text;
BEGIN
    FOR s IN SELECT srvname FROM pg_foreign_server WHERE srvname LIKE 'link\_%' AND NOT (srvname = ANY (p_keep)) LOOP
        EXECUTE format('DROP SERVER %I CASCADE', s);
    END LOOP;
    DELETE FROM redbox.node_link WHERE NOT (server_name = ANY (p_keep));
END
$$;

CREATE OR REPLACE FUNCTION redbox.me() RETURNS redbox.node_identity
LANGUAGE sql STABLE AS $$
    SELECT * FROM redbox.node_identity WHERE one;
$$;
