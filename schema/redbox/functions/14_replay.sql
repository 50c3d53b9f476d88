-- Replaying a kiosk's offline outbox: many actions in one round trip and one
-- commit (one fsync here and on the synchronous standby), each still applied
-- by its own kiosk function with the id it was taken with, in the kiosk's
-- order, and each with its own result.
--
-- P_ACTIONS is a JSON array of {"seq": n, "kind": k, "args": [...]}, kind one
-- of rent, return, audit, pin, dispensed, void, args the kind's function's
-- arguments as text (or null), in its order. A row per action, in the same
-- order: OUTCOME done (NOTE set when the red box parked the claim for review:
-- the kiosk function's own 'parked'), or failed with the SQLSTATE and MESSAGE
-- the function raised; a failed action is rolled back alone. An error no
-- retry of the same action can cure is the action's own; one that could pass
-- later (a serialization failure or deadlock, a read-only server, resources,
-- a cancelled statement) rolls the whole batch back and is raised, and the
-- kiosk sends the same batch again.
-- The most actions one replay carries (a kiosk sends fewer).
CREATE OR REPLACE FUNCTION redbox.replay_batch_limit() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 500';

CREATE OR REPLACE FUNCTION redbox.kiosk_replay(p_actions jsonb)
RETURNS TABLE (action_seq bigint, outcome text, note text, error_state text, error_message text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = redbox, pg_temp AS $$
DECLARE
    a jsonb;
    v jsonb;
    v_state text;
    v_msg text;
BEGIN
    PERFORM session_kiosk();
    IF p_actions IS NULL OR jsonb_typeof(p_actions) <> 'array' THEN
        RAISE EXCEPTION 'a replay is a JSON array of actions' USING ERRCODE = '22023';
    END IF;
    IF jsonb_array_length(p_actions) > replay_batch_limit() THEN
        RAISE EXCEPTION 'a replay carries at most % actions, not %', replay_batch_limit(), jsonb_array_length(p_actions)
            USING ERRCODE = '22023';
    END IF;
    FOR a IN SELECT e.value FROM jsonb_array_elements(p_actions) WITH ORDINALITY e ORDER BY e.ordinality LOOP
        IF jsonb_typeof(a) IS DISTINCT FROM 'object' OR jsonb_typeof(a->'seq') IS DISTINCT FROM 'number'
           OR jsonb_typeof(a->'args') IS DISTINCT FROM 'array' THEN
            RAISE EXCEPTION 'each replayed action needs a seq number and an args array' USING ERRCODE = '22023';
        END IF;
        action_seq := (a->>'seq')::bigint;
        v := a->'args';
        outcome := 'done';
        note := NULL;
        error_state := NULL;
        error_message := NULL;
        BEGIN
            CASE a->>'kind'
                WHEN 'rent' THEN
                    SELECT CASE WHEN x.outcome = 'parked' THEN coalesce(x.note, 'parked') END INTO note
                      FROM kiosk_rent((v->>0)::uuid, v->>1, v->>2, (v->>3)::uuid, v->>4, v->>5, (v->>6)::timestamptz,
                                      (v->>7)::boolean, (v->>8)::jsonb, (v->>9)::jsonb) x;
                WHEN 'return' THEN
                    PERFORM kiosk_return((v->>0)::uuid, v->>1, (v->>2)::timestamptz, (v->>3)::int, (v->>4)::boolean);
                WHEN 'audit' THEN
                    PERFORM kiosk_audit((v->>0)::uuid, v->>1, (v->>2)::bigint, v->>3, v->>4, (v->>5)::jsonb,
                                        (v->>6)::timestamptz);
                WHEN 'pin' THEN
                    PERFORM kiosk_report_pin_attempt((v->>0)::uuid, v->>1, (v->>2)::boolean, (v->>3)::timestamptz);
                WHEN 'dispensed' THEN
                    PERFORM kiosk_dispensed((v->>0)::uuid);
                WHEN 'void' THEN
                    SELECT CASE WHEN x.outcome = 'parked' THEN coalesce(x.note, 'parked') END INTO note
                      FROM kiosk_void_rental((v->>0)::uuid, v->>1, (v->>2)::int, (v->>3)::boolean, (v->>4)::boolean) x;
                ELSE
                    RAISE EXCEPTION 'unknown outbox action kind "%"', left(a->>'kind', 40) USING ERRCODE = '22023';
            END CASE;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT;
            IF left(v_state, 2) IN ('08', '25', '40', '53', '55', '57', '58') THEN
                RAISE;
            END IF;
            outcome := 'failed';
            error_state := v_state;
            error_message := v_msg;
        END;
        RETURN NEXT;
    END LOOP;
END
$$;
