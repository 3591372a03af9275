"""place search: the place names of reference layers, normalised and indexed by trigrams

Revision ID: 0023_place_search
Revises: 0022_campaign_basemap
Create Date: 2026-12-03 09:00:00.000000
"""

from collections.abc import Sequence

import geoalchemy2
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0023_place_search"
down_revision: str | None = "0022_campaign_basemap"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The searchable form of a name: without accents, lower case, punctuation as spaces, and the
# abbreviations of French addresses spelled out ("ALL JEAN JAURES" and "Allée Jean-Jaurès" are
# both "allee jean jaures", "ST JEAN" is "saint jean"). Queries go through the same function,
# so an abbreviation typed or stored finds the other. unaccent() is only STABLE (its dictionary
# is looked up by name); naming the dictionary makes the call immutable, as a generated
# column and its index need. Only ASCII punctuation splits words: letters of other scripts stay.
NORMALISE = r"""
CREATE FUNCTION place_name_norm(label text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(string_agg(coalesce(a.word, w.word), ' ' ORDER BY w.n), '')
    FROM regexp_split_to_table(
        lower(public.unaccent('public.unaccent'::regdictionary, label)),
        '[[:space:][:punct:]’‘«»“”–—…·]+'
    ) WITH ORDINALITY AS w(word, n)
    LEFT JOIN (VALUES
        ('st', 'saint'), ('ste', 'sainte'), ('av', 'avenue'), ('ave', 'avenue'),
        ('bd', 'boulevard'), ('bld', 'boulevard'), ('all', 'allee'), ('imp', 'impasse'),
        ('ch', 'chemin'), ('che', 'chemin'), ('chem', 'chemin'), ('pl', 'place'),
        ('rte', 'route'), ('pas', 'passage'), ('pass', 'passage'), ('rpt', 'rond point'),
        ('qu', 'quai'), ('esp', 'esplanade'), ('espa', 'esplanade'), ('sq', 'square'),
        ('prom', 'promenade'), ('carr', 'carrefour'), ('crs', 'cours'), ('fg', 'faubourg'),
        ('fbg', 'faubourg'), ('res', 'residence'), ('pr', 'professeur'), ('dr', 'docteur'),
        ('gal', 'general'), ('gen', 'general'), ('mal', 'marechal')
    ) AS a(short, word) ON a.short = w.word
    WHERE w.word <> ''
$$
"""

# The place names of one layer, built again from its features. Which property names a feature
# is read from the layer's properties (names compared without case):
# - "numero" and "voie" (addresses): "{numero} {voie}", the number without leading zeros, kind
#   address; and each distinct "voie" once, kind street, at the address nearest its middle;
# - else the first of name, nom, label, libelle, title, voie, site_ref: kind commune for "nom"
#   beside "code" (communes), street for "voie" (one row per distinct street), else place.
# A layer with none of them has no place names.
INDEX_LAYER = r"""
CREATE FUNCTION place_names_index(layer uuid) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    keys text[];
    name_key text;
    number_key text;
    street_key text;
    code_key text;
    added integer := 0;
    streets integer := 0;
BEGIN
    DELETE FROM place_names WHERE layer_id = layer;
    SELECT coalesce(array_agg(p->>'name'), '{}') INTO keys
    FROM reference_layers l CROSS JOIN LATERAL jsonb_array_elements(l.properties_schema) p
    WHERE l.id = layer;
    SELECT k INTO name_key FROM unnest(ARRAY[
        'name', 'nom', 'label', 'libelle', 'title', 'voie', 'site_ref'
    ]) WITH ORDINALITY AS c(name, n) JOIN unnest(keys) AS k ON lower(k) = c.name
    ORDER BY c.n LIMIT 1;
    SELECT k INTO number_key FROM unnest(keys) AS k WHERE lower(k) = 'numero' LIMIT 1;
    SELECT k INTO street_key FROM unnest(keys) AS k WHERE lower(k) = 'voie' LIMIT 1;
    SELECT k INTO code_key FROM unnest(keys) AS k WHERE lower(k) = 'code' LIMIT 1;
    IF number_key IS NOT NULL AND street_key IS NOT NULL THEN
        INSERT INTO place_names (layer_id, feature_id, kind, label, center, bbox)
        SELECT layer, f.id, 'address',
               left(concat_ws(' ', nullif(CASE WHEN number ~ '^0+$' THEN '0'
                                               ELSE ltrim(number, '0') END, ''), street), 300),
               ST_PointOnSurface(f.geom), place_bbox(f.geom)
        FROM reference_features f
        CROSS JOIN LATERAL (SELECT btrim(f.properties->>number_key) AS number,
                                   btrim(f.properties->>street_key) AS street) AS p
        WHERE f.layer_id = layer AND street <> '';
        GET DIAGNOSTICS added = ROW_COUNT;
    ELSIF name_key IS NOT NULL AND name_key IS DISTINCT FROM street_key THEN
        INSERT INTO place_names (layer_id, feature_id, kind, label, center, bbox)
        SELECT layer, f.id,
               CASE WHEN lower(name_key) = 'nom' AND code_key IS NOT NULL
                    THEN 'commune' ELSE 'place' END,
               left(btrim(f.properties->>name_key), 300),
               ST_PointOnSurface(f.geom), place_bbox(f.geom)
        FROM reference_features f
        WHERE f.layer_id = layer AND btrim(f.properties->>name_key) <> '';
        GET DIAGNOSTICS added = ROW_COUNT;
    END IF;
    IF street_key IS NOT NULL AND (number_key IS NOT NULL OR name_key = street_key) THEN
        INSERT INTO place_names (layer_id, feature_id, kind, label, center, bbox)
        SELECT layer, CASE WHEN number_key IS NULL AND count(*) = 1 THEN min(f.id) END,
               'street', left(street, 300),
               ST_ClosestPoint(ST_Collect(f.geom), ST_Centroid(ST_Collect(f.geom))),
               place_bbox(ST_Collect(f.geom))
        FROM reference_features f
        CROSS JOIN LATERAL (SELECT btrim(f.properties->>street_key) AS street) AS p
        WHERE f.layer_id = layer AND street <> ''
        GROUP BY street;
        GET DIAGNOSTICS streets = ROW_COUNT;
    END IF;
    RETURN added + streets;
END
$$
"""

# [west, south, east, north], or none for a single point (nothing to fit a map to).
BBOX = """
CREATE FUNCTION place_bbox(geom geometry) RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN ST_XMin(geom) = ST_XMax(geom) AND ST_YMin(geom) = ST_YMax(geom) THEN NULL
                ELSE ARRAY[ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)] END
$$
"""


def upgrade() -> None:
    # pg_trgm ships with PostgreSQL (contrib) and is trusted, as unaccent (0004) is: the
    # database owner creates it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute(NORMALISE)
    op.execute(BBOX)
    op.create_table(
        "place_names",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_place_names"),
        sa.Column(
            "layer_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey(
                "reference_layers.id",
                ondelete="CASCADE",
                name="fk_place_names_layer_id_reference_layers",
            ),
            nullable=False,
        ),
        sa.Column("feature_id", sa.BigInteger()),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column(
            "norm_label",
            sa.Text(),
            sa.Computed("place_name_norm(label)", persisted=True),
            nullable=False,
        ),
        sa.Column(
            "center",
            geoalchemy2.Geometry("POINT", srid=4326, spatial_index=False),
            nullable=False,
        ),
        sa.Column("bbox", postgresql.ARRAY(sa.Double())),
    )
    op.create_index("ix_place_names_layer_id", "place_names", ["layer_id"])
    op.create_index(
        "ix_place_names_norm_label_trgm",
        "place_names",
        ["norm_label"],
        postgresql_using="gin",
        postgresql_ops={"norm_label": "gin_trgm_ops"},
    )
    op.create_index(
        "ix_place_names_norm_label_prefix",
        "place_names",
        ["norm_label"],
        postgresql_ops={"norm_label": "text_pattern_ops"},
    )
    op.execute(INDEX_LAYER)
    op.execute("SELECT place_names_index(id) FROM reference_layers")


def downgrade() -> None:
    op.drop_table("place_names")
    op.execute("DROP FUNCTION place_names_index(uuid)")
    op.execute("DROP FUNCTION place_bbox(geometry)")
    op.execute("DROP FUNCTION place_name_norm(text)")
    op.execute("DROP EXTENSION IF EXISTS pg_trgm")
