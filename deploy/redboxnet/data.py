"""The network's data: the catalog feed, generated members, kiosks and discs.

HQ loads everything; the coasts then pull their partition from HQ and the
red boxes theirs from their coast, through the stored functions over dblink
(paper section 6). The generator is deterministic for a seed; PIN and
password hashes (PBKDF2, the slow part) are cached between runs.
"""
from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import os
import random
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from . import db
from .state import State, write_secret

REPO = Path(__file__).resolve().parents[2]
PAGILA = REPO.parent / "shared" / "datasets" / "pagila"
CACHE = Path(os.environ.get("REDBOX_DATA_CACHE", "/var/cache/redbox-net"))

PBKDF2_ITERATIONS = 10_000      # generated test data; see README "Secrets" for enrolment cost
TIMEZONE = {"west": "America/Los_Angeles", "east": "America/New_York"}
SLOTS_PER_KIOSK = 720
TITLES_PER_KIOSK = 200


class DataError(Exception):
    pass


# ---- hashing (the same formats the kiosk checks with OpenSSL) ----------------
def pbkdf2_hash(secret: str, salt: bytes, iterations: int = PBKDF2_ITERATIONS) -> str:
    dk = hashlib.pbkdf2_hmac("sha256", secret.encode(), salt, iterations, 32)
    return f"pbkdf2-sha256${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(dk).decode()}"


def card_hash(card_key_hex: str, card_number: str) -> str:
    return hmac.new(bytes.fromhex(card_key_hex), card_number.encode(), hashlib.sha256).hexdigest()


def luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def member_card(member_id: int) -> str:
    body = "70" + f"{member_id:013d}"
    return body + luhn_digit(body)


def technician_card(tech_id: int) -> str:
    body = "79" + f"{tech_id:013d}"
    return body + luhn_digit(body)


def disc_barcode(movie_id: int, serial: int) -> str:
    body = f"{movie_id:05d}{serial:06d}"
    return "D" + body + luhn_digit(body)


# ---- catalog -----------------------------------------------------------------
CATALOG_FIELDS = ["film_id", "title", "description", "release_year", "rating", "length", "rental_rate",
                  "replacement_cost", "category", "categories", "language"]
# Optional: the licence window's last day (YYYY-MM-DD; empty or absent: no end), the title's
# format (dvd, bluray, 4k, game; empty or absent: dvd) and the day its discs go on sale
# ("previously viewed"; empty or absent: not sold).
CATALOG_OPTIONAL = ["rent_until", "format", "sell_from"]


def read_catalog_csv(path: Path) -> list[list[str]]:
    """Parse a catalog feed; structural problems are refused here, values at HQ (import_catalog)."""
    try:
        f = open(path, newline="", encoding="utf-8")
    except OSError as e:
        raise DataError(f"catalog {path} cannot be read: {e}") from None
    with f:
        try:
            reader = csv.DictReader(f)
            missing = [c for c in CATALOG_FIELDS if c not in (reader.fieldnames or [])]
            if missing:
                raise DataError(f"catalog {path}: missing column(s) {', '.join(missing)}")
            rows = []
            for line_no, row in enumerate(reader, start=2):
                if None in row or any(v is None for v in row.values()):
                    raise DataError(f"catalog {path} line {line_no}: wrong number of fields")
                rows.append([str(line_no)] + [row[c] for c in CATALOG_FIELDS] + [row.get(c) or "" for c in CATALOG_OPTIONAL])
                if len(rows) > 100_000:
                    raise DataError(f"catalog {path}: more than 100,000 titles")
        except (csv.Error, UnicodeDecodeError) as e:
            raise DataError(f"catalog {path}: not a CSV file: {e}") from None
    if not rows:
        raise DataError(f"catalog {path}: no titles")
    return rows


WORDS_A = ["Midnight", "Silent", "Golden", "Lost", "Crimson", "Broken", "Hidden", "Electric", "Last", "Wild",
           "Frozen", "Burning", "Secret", "Iron", "Velvet", "Distant", "Savage", "Paper", "Glass", "Lucky"]
WORDS_B = ["Harbor", "Empire", "Garden", "Frontier", "Signal", "Horizon", "Circus", "Voyage", "Kingdom", "Orbit",
           "Canyon", "Letter", "Machine", "River", "Station", "Summer", "Verdict", "Witness", "Carnival", "Echo"]
GENRES = ["Action", "Animation", "Children", "Classics", "Comedy", "Documentary", "Drama", "Family", "Foreign",
          "Games", "Horror", "Music", "New", "Sci-Fi", "Sports", "Travel"]


def generated_catalog(seed: int, n: int = 1000) -> list[list[str]]:
    rnd = random.Random(f"catalog:{seed}")
    lic = random.Random(f"licence:{seed}")   # its own stream: the titles stay what they were
    rows = []
    for i in range(1, n + 1):
        title = f"{rnd.choice(WORDS_A)} {rnd.choice(WORDS_B)}" + (f" {i}" if i > 400 else "")
        g = rnd.choice(GENRES)
        cats = "|".join(dict.fromkeys([g] + rnd.sample(GENRES, rnd.randint(0, 2))))
        rows.append([str(i + 1), str(i), title, f"A {g.lower()} story about a {rnd.choice(WORDS_B).lower()}.",
                     str(rnd.randint(1990, 2025)), rnd.choice(["G", "PG", "PG-13", "R", "NC-17"]),
                     str(rnd.randint(46, 185)), "2.99", f"{rnd.randint(9, 29)}.99", g, cats, "English",
                     # one title in 20 has a studio licence that ends (in years to come)
                     f"{lic.randint(2030, 2035)}-{lic.randint(1, 12):02d}-28" if lic.random() < 0.05 else "", "", ""])
    return rows


def with_sample_formats(rows: list[list[str]], seed: int) -> list[list[str]]:
    """The sample catalogs (Pagila's films, the generated one) say nothing of formats or sales: give
    the titles that have none the mix a Redbox kiosk had (games are games; of the films, most on DVD,
    some on Blu-ray, a few in 4K), and sell one title in ten as previously viewed. An operator's feed
    is imported as it is."""
    fmt = random.Random(f"format:{seed}")
    category = 1 + CATALOG_FIELDS.index("category")
    fmt_col = 1 + len(CATALOG_FIELDS) + CATALOG_OPTIONAL.index("format")
    sale = random.Random(f"sale:{seed}")   # its own stream: the formats stay what they were
    sale_col = 1 + len(CATALOG_FIELDS) + CATALOG_OPTIONAL.index("sell_from")
    for r in rows:
        pick = "game" if r[category] == "Games" else fmt.choices(["dvd", "bluray", "4k"], [70, 22, 8])[0]
        if not r[fmt_col]:
            r[fmt_col] = pick
        # one title in ten is also sold, as previously viewed discs
        if not r[sale_col] and sale.random() < 0.10:
            r[sale_col] = "2020-01-01"
    return rows


def import_catalog(state: State, rows: list[list[str]], propagate: bool) -> tuple[int, int]:
    buf = io.StringIO()
    w = csv.writer(buf)
    for r in rows:
        w.writerow(r)
    buf.seek(0)
    with db.node_conn(state, state.topo.hq.name) as conn:
        with conn.cursor() as cur:
            cur.execute("TRUNCATE redbox.catalog_import")
            cur.copy_expert("COPY redbox.catalog_import (line_no, movie_id, title, description, release_year, rating, "
                            "runtime, rental_rate, replacement_cost, category, categories, language, rent_until, format, sell_from) "
                            "FROM STDIN WITH (FORMAT csv)", buf)
            cur.execute("SET LOCAL ROLE redbox_owner")
            try:
                cur.execute("SELECT * FROM redbox.import_catalog(%s)", (propagate,))
            except Exception as e:  # psycopg2.Error: refused feed; nothing was imported
                conn.rollback()
                raise DataError(str(e).strip()) from None
            ins, upd = cur.fetchone()
        conn.commit()
    return ins, upd


# ---- members -----------------------------------------------------------------
def _hash_member(args):
    member_id, pin, password, seed = args
    rnd = random.Random(f"salt:{seed}:{member_id}")
    return (member_id, pbkdf2_hash(pin, rnd.randbytes(16)), pbkdf2_hash(password, rnd.randbytes(16)))


def member_plain(seed: int, n: int) -> list[tuple[int, str, str]]:
    """(member_id, pin, password) of generated members 1..n: deterministic for the seed."""
    rnd = random.Random(f"members:{seed}")
    plain = []
    for mid in range(1, n + 1):
        pin = f"{rnd.randint(0, 9999):04d}"
        password = base64.b32encode(rnd.randbytes(10)).decode().lower()
        plain.append((mid, pin, password))
    return plain


def member_secrets(seed: int, n: int) -> list[tuple[int, str, str, str, str]]:
    """(member_id, card, pin, pin_hash, password_hash) for members 1..n, cached on disk."""
    plain = member_plain(seed, n)
    cache = CACHE / f"member-hashes-{seed}-{n}-{PBKDF2_ITERATIONS}.tsv"
    hashes: dict[int, tuple[str, str]] = {}
    if cache.exists():
        for line in cache.read_text().splitlines():
            mid, ph, pwh = line.split("\t")
            hashes[int(mid)] = (ph, pwh)
    if len(hashes) != n:
        t0 = time.monotonic()
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
            for mid, ph, pwh in ex.map(_hash_member, [(m, p, pw, seed) for m, p, pw in plain], chunksize=256):
                hashes[mid] = (ph, pwh)
        CACHE.mkdir(parents=True, exist_ok=True)
        write_secret(cache, "".join(f"{m}\t{hashes[m][0]}\t{hashes[m][1]}\n" for m in range(1, n + 1)), 0, 0)
        print(f"  data      hashed {n} PINs and passwords (PBKDF2) in {time.monotonic() - t0:.1f} s", flush=True)
    return [(mid, member_card(mid), pin, hashes[mid][0], hashes[mid][1]) for mid, pin, _ in plain]


def technician_plain(seed: int) -> list[tuple[int, str, str, str, bytes]]:
    """(technician_id, name, card, pin, salt) of the 20 generated technicians: deterministic for the seed."""
    firsts, lasts = name_pool()
    trnd = random.Random(f"tech:{seed}")
    out = []
    for i in range(1, 21):
        tid = 9000 + i
        pin = f"{trnd.randint(0, 999999):06d}"
        name = f"{trnd.choice(firsts)} {trnd.choice(lasts)}"
        out.append((tid, name, technician_card(tid), pin, trnd.randbytes(16)))
    return out


def name_pool() -> tuple[list[str], list[str]]:
    firsts, lasts = [], []
    path = PAGILA / "customers.csv"
    if path.exists():
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                firsts.append(row["first_name"].title())
                lasts.append(row["last_name"].title())
    if not firsts:
        firsts = ["Mary", "John", "Linda", "James", "Ana", "Wei", "Fatima", "Carlos", "Aiko", "Noah"]
        lasts = ["Smith", "Garcia", "Chen", "Johnson", "Okafor", "Kim", "Novak", "Silva", "Brown", "Patel"]
    return sorted(set(firsts)), sorted(set(lasts))


CITY_WORDS = ["Springfield", "Riverside", "Fairview", "Franklin", "Greenville", "Madison", "Clinton", "Salem",
              "Georgetown", "Ashland"]


# The sample data's promo code (generated networks only; an operator adds real ones with add_promo_code).
SAMPLE_PROMO = "FREENIGHT"


def load_hq(state: State, seed: int, n_members: int, kiosks_per_node: int, card_key: str) -> dict:
    """Generate and COPY the company's records into HQ. Returns what a person needs to try the kiosk."""
    rnd = random.Random(f"hq:{seed}")
    hq = state.topo.hq.name
    with db.node_conn(state, hq) as conn, conn.cursor() as cur:
        cur.execute("SELECT state_id, state_name, state_code, coast FROM redbox.state ORDER BY state_id")
        states = cur.fetchall()
        # The plans members sign up for (walk-up cards have plans of their own).
        cur.execute("SELECT membership_id FROM redbox.membership WHERE NOT redbox.is_walkup_plan(membership_id) "
                    "ORDER BY membership_id")
        plans = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT movie_id FROM redbox.movie ORDER BY movie_id")
        movies = [r[0] for r in cur.fetchall()]
        if not movies:
            raise DataError("HQ has no catalog; import one first")

        # Cities and zip codes: three towns per state.
        cities, zips = [], []
        for sid, sname, scode, coast in states:
            for j in range(3):
                cid = sid * 10 + j
                cities.append((cid, f"{CITY_WORDS[(sid + j) % len(CITY_WORDS)]}", sid))
                zips.append((cid, f"{(sid * 1000 + j * 137) % 100000:05d}", cid, sid))
        copy(cur, "redbox.city (city_id, city_name, state_id)", cities)
        copy(cur, "redbox.zipcode (zipcode_id, zipcode, city_id, state_id)", zips)

        firsts, lasts = name_pool()
        secrets_ = member_secrets(seed, n_members)
        members, statuses = [], []
        for mid, card, pin, pin_hash, pw_hash in secrets_:
            sid, sname, scode, coast = states[rnd.randrange(len(states))]
            zid = sid * 10 + rnd.randrange(3)
            first, last = rnd.choice(firsts), rnd.choice(lasts)
            members.append((mid, first, last, None, f"{rnd.randint(1, 9999)} {rnd.choice(WORDS_B)} St", zid,
                            f"555-{rnd.randint(100, 999)}-{rnd.randint(1000, 9999)}",
                            f"{first.lower()}.{last.lower()}.{mid}@example.com", pw_hash,
                            rnd.choices(plans, weights=[6, 3, 1][: len(plans)])[0],
                            f"20{rnd.randint(10, 24)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d} 12:00:00",
                            card_hash(card_key, card), card[-4:], pin_hash, coast))
            statuses.append((mid,))
        copy(cur, "redbox.member (member_id, member_first_name, member_last_name, member_initial, member_address, "
                  "member_address_id, member_phone, member_email, member_password_hash, membership_id, "
                  "member_since_date, card_hash, card_last4, pin_hash, home_coast)", members)
        copy(cur, "redbox.membershipstatus (member_id)", statuses)

        # Kiosks: each red box node serves kiosks_per_node kiosks; ~200 titles, 3-4 discs each, in slots.
        kiosks, slots, dvds = [], [], []
        serial = {}
        by_coast_city = {c: [s for s in states if s[3] == c] for c in ("west", "east")}
        for node in state.topo.redboxes():
            for k in range(1, kiosks_per_node + 1):
                kid = kiosk_id(node.name, k)
                sid = by_coast_city[node.coast][(k + len(kiosks)) % len(by_coast_city[node.coast])][0]
                kiosks.append((kid, node.name, node.coast, f"{100 + k} Main St", sid * 10, f"{sid * 1000 % 100000:05d}",
                               TIMEZONE[node.coast], rnd.choice([0, 625, 725, 825, 875]), SLOTS_PER_KIOSK))
                slots += [(kid, s) for s in range(1, SLOTS_PER_KIOSK + 1)]
                krnd = random.Random(f"kiosk:{seed}:{kid}")
                titles = sorted(krnd.sample(movies, min(TITLES_PER_KIOSK, len(movies))))
                slot_no = 0
                for mv in titles:
                    for _ in range(krnd.choice([3, 3, 4, 4])):
                        slot_no += 1
                        if slot_no > SLOTS_PER_KIOSK:
                            break
                        serial[mv] = serial.get(mv, 0) + 1
                        dvds.append((disc_barcode(mv, serial[mv]), mv, kid, slot_no, "in", "good", "-infinity"))
        copy(cur, "redbox.redbox (kiosk_id, node_name, coast, address, city_id, zipcode, timezone, tax_rate_bp, "
                  "slot_count)", kiosks)
        copy(cur, "redbox.slot (kiosk_id, slot_no)", slots)
        copy(cur, "redbox.dvd (barcode, movie_id, kiosk_id, slot_no, status, condition, state_at)", dvds)

        techs = []
        tech_print = []
        for i, (tid, name, card, pin, salt) in enumerate(technician_plain(seed), start=1):
            techs.append((tid, name, card_hash(card_key, card), pbkdf2_hash(pin, salt), ["west", "east", None][i % 3],
                          True))
            if i <= 2:
                tech_print.append((tid, name, card, pin))
        copy(cur, "redbox.technician (technician_id, name, card_hash, pin_hash, coast, active)", techs)
        # A promo code to try at the kiosks (and for the simulator's customers): a night off, once per card.
        cur.execute("SELECT redbox.add_promo_code(%s, 1000, current_date - 1, current_date + 3650, "
                    "'Sample data: one night free, once per card')", (SAMPLE_PROMO,))
        conn.commit()

    sample = {"west": [], "east": []}
    by_id = {m[0]: m for m in members}
    for mid, card, pin, _, _ in secrets_:
        coast = by_id[mid][14]
        if len(sample[coast]) < 3:
            sample[coast].append((mid, card, pin, by_id[mid][1] + " " + by_id[mid][2]))
    return {"members": sample, "technicians": tech_print, "kiosks": len(kiosks), "discs": len(dvds)}


def kiosk_id(node: str, k: int) -> str:
    parts = node.split("-")
    short = "".join(p[0].upper() for p in parts[:-1]) + parts[-1].upper() if len(parts) > 1 else node.upper()
    return f"{short}-{k:02d}"


def copy(cur, target: str, rows: list[tuple]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    buf.seek(0)
    cur.copy_expert(f"COPY {target} FROM STDIN WITH (FORMAT csv, NULL '')", buf)


def pull(state: State, node: str, fn: str) -> str:
    t0 = time.monotonic()
    with db.node_conn(state, node) as conn, conn.cursor() as cur:
        cur.execute("SET ROLE redbox_owner")
        cur.execute(f"SELECT what, rows FROM redbox.{fn}()")
        got = cur.fetchall()
        cur.execute("RESET ROLE")
        cur.execute("INSERT INTO redbox_meta.data_loaded (what, rows) VALUES ('pull', %s)",
                    (sum(r[1] for r in got),))
        conn.commit()
    return f"  data      {node:18} " + ", ".join(f"{r[1]} {r[0]}" for r in got) + f" ({time.monotonic() - t0:.1f} s)"


def loaded(state: State, node: str) -> bool:
    with db.node_conn(state, node) as conn, conn.cursor() as cur:
        cur.execute("SET LOCAL ROLE redbox_owner")
        cur.execute("CREATE TABLE IF NOT EXISTS redbox_meta.data_loaded (what text, rows bigint, "
                    "loaded_at timestamptz NOT NULL DEFAULT now())")
        cur.execute("SELECT count(*) FROM redbox_meta.data_loaded")
        n = cur.fetchone()[0]
        conn.commit()
    return n > 0


def load_all(state: State, seed: int, members: int, kiosks_per_node: int, catalog: str | None) -> None:
    if members < 1 or members > 10_000_000:
        raise DataError("--members must be between 1 and 10,000,000")
    if kiosks_per_node < 1 or kiosks_per_node > 999:
        raise DataError("--kiosks-per-node must be between 1 and 999")
    hq = state.topo.hq.name
    card_key = state.card_key()
    t0 = time.monotonic()
    if not loaded(state, hq):
        if catalog:
            rows, source = read_catalog_csv(Path(catalog)), catalog
        elif (PAGILA / "films.csv").exists():
            rows, source = with_sample_formats(read_catalog_csv(PAGILA / "films.csv"), seed), str(PAGILA / "films.csv")
        else:
            rows, source = with_sample_formats(generated_catalog(seed), seed), f"generated (seed {seed})"
        ins, upd = import_catalog(state, rows, propagate=False)
        print(f"  data      catalog: {ins} titles from {source}", flush=True)
        info = load_hq(state, seed, members, kiosks_per_node, card_key)
        with db.node_conn(state, hq) as conn, conn.cursor() as cur:
            cur.execute("INSERT INTO redbox_meta.data_loaded (what, rows) VALUES ('hq', %s)", (members,))
            conn.commit()
        print(f"  data      {hq:18} {members} members, {info['kiosks']} kiosks, {info['discs']} discs "
              f"({time.monotonic() - t0:.1f} s)", flush=True)
        write_secret(state.root / "try-it.txt", try_it_text(info), 0, 0)
        import json
        # What the generator made, so `roster` can list the test members' cards and PINs later.
        write_secret(state.root / "generated.json", json.dumps({"seed": seed, "members": members,
                                                                "kiosks_per_node": kiosks_per_node}) + "\n", 0, 0)
        write_secret(state.root / "try-it.json", json.dumps({
            "members": [{"member_id": m, "coast": c, "card": card, "pin": pin}
                        for c in ("west", "east") for m, card, pin, _ in info["members"][c]],
            "technicians": [{"technician_id": t, "card": card, "pin": pin} for t, _, card, pin in info["technicians"]],
            "promo_code": SAMPLE_PROMO,
        }, indent=1) + "\n", 0, 0)
    coasts = [n.name for n in state.topo.coasts() if not loaded(state, n.name)]
    with ThreadPoolExecutor(max_workers=max(1, len(coasts))) as ex:
        for line in ex.map(lambda n: pull(state, n, "pull_from_hq"), coasts):
            print(line, flush=True)
    boxes = [n.name for n in state.topo.redboxes() if not loaded(state, n.name)]
    with ThreadPoolExecutor(max_workers=max(1, len(boxes))) as ex:
        for line in ex.map(lambda n: pull(state, n, "pull_from_coast"), boxes):
            print(line, flush=True)
    from . import kiosks
    t1 = time.monotonic()
    n = kiosks.enroll_all(state)
    if n:
        print(f"  kiosks    enrolled {n} kiosk(s): their own logins and configuration in {state.kiosk_dir} "
              f"({time.monotonic() - t1:.1f} s)", flush=True)
    if (state.root / "try-it.txt").exists():
        print((state.root / "try-it.txt").read_text(), end="", flush=True)


def try_it_text(info: dict) -> str:
    lines = ["  Test members (card number / PIN) - generated data, for trying the kiosk:"]
    for coast in ("west", "east"):
        for mid, card, pin, name in info["members"][coast]:
            lines.append(f"    {coast:5} member {mid:6}  card {card}  PIN {pin}  ({name})")
    lines.append(f"  Promo code (one night free, once per card): {SAMPLE_PROMO}")
    lines.append("  Test technicians (card number / PIN):")
    for tid, name, card, pin in info["technicians"]:
        lines.append(f"    technician {tid}  card {card}  PIN {pin}  ({name})")
    return "\n".join(lines) + "\n"


def roster(state: State) -> dict:
    """The generated test members with their cards and PINs, the technicians, and every kiosk with its
    configuration file: what the simulator needs to play customers. Generated data only: a network
    loaded from real member records has no generated.json and no roster."""
    import json
    from . import kiosks
    gen_file = state.root / "generated.json"
    if not gen_file.exists():
        raise DataError(f"{gen_file} is missing: the roster exists only for data `up` generated")
    gen = json.loads(gen_file.read_text())
    seed, n = int(gen["seed"]), int(gen["members"])
    pins = {mid: pin for mid, pin, _ in member_plain(seed, n)}
    with db.node_conn(state, state.topo.hq.name) as conn, conn.cursor() as cur:
        cur.execute("SELECT m.member_id, m.home_coast, p.max_discs_out, s.allowed "
                    "FROM redbox.member m JOIN redbox.membership p USING (membership_id) "
                    "JOIN redbox.membershipstatus s USING (member_id) ORDER BY m.member_id")
        members = [{"member_id": mid, "card": member_card(mid), "pin": pins[mid], "coast": coast,
                    "plan_limit": limit, "allowed": allowed} for mid, coast, limit, allowed in cur.fetchall()
                   if mid in pins]
        # Kiosks served by a red box node (the ones a kiosk program can run as); kiosks HQ lists
        # under another node (the national fleet bench-national adds to the coasts) are not.
        cur.execute("SELECT kiosk_id, node_name, coast, slot_count FROM redbox.redbox "
                    "WHERE node_name = ANY (%s) ORDER BY kiosk_id", ([n.name for n in state.topo.redboxes()],))
        kiosks = [{"kiosk_id": k, "node": node, "coast": coast, "slots": slots,
                   "config": str(kiosks.config_path(state, k))} for k, node, coast, slots in cur.fetchall()]
        conn.rollback()
    techs = [{"technician_id": tid, "name": name, "card": card, "pin": pin}
             for tid, name, card, pin, _ in technician_plain(seed)]
    return {"seed": seed, "members": members, "technicians": techs, "kiosks": kiosks}
