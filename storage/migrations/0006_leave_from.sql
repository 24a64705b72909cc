-- Leave announced ahead: "/nghi từ 01/12 đến 05/12". NULL = away from now on (until away_until).
ALTER TABLE officers ADD COLUMN away_from TEXT;
