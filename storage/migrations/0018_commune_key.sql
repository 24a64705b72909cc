-- A province serves many communes from one deployment (issue 19): each commune has a short key for the
-- shell (`python -m bot commune add duc-phong --name "Xã Đức Phong"`, `--commune duc-phong`). The commune
-- a single-commune deployment started with keeps no key: it is the default one.
ALTER TABLE communes ADD COLUMN key TEXT;
CREATE UNIQUE INDEX communes_key ON communes (key) WHERE key IS NOT NULL;
