-- base_urls: bifrost.okx_base_url and bifrost.ibkr_base_url take https to
-- any host, plain http only to 127.0.0.1, localhost or [::1]; whatever hides
-- another host (user-info, backslashes, encoded hosts, look-alike names) is
-- refused where it is set, naming the setting and the reason.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS bifrost;
RESET client_min_messages;
LOAD 'bifrost';

-- accepted
ALTER SYSTEM SET bifrost.okx_base_url = 'https://www.okx.com';
ALTER SYSTEM SET bifrost.okx_base_url = 'http://127.0.0.1:18778';
ALTER SYSTEM SET bifrost.ibkr_base_url = 'http://localhost:5000/v1/api';
ALTER SYSTEM SET bifrost.ibkr_base_url = 'http://[::1]:5000/v1/api';
ALTER SYSTEM SET bifrost.ibkr_base_url = 'https://gateway.example.com:5000/v1/api';
-- '' leaves the venue unconfigured (it then refuses to connect)
ALTER SYSTEM SET bifrost.okx_base_url = '';

-- user-info: libcurl would connect to 192.0.2.2 in clear text
ALTER SYSTEM SET bifrost.okx_base_url = 'http://localhost:@192.0.2.2:18778';
ALTER SYSTEM SET bifrost.ibkr_base_url = 'http://127.0.0.1@192.0.2.2/v1/api';
ALTER SYSTEM SET bifrost.okx_base_url = 'https://user:secret@www.okx.com';
-- look-alike hosts, backslashes, encodings, other schemes
ALTER SYSTEM SET bifrost.okx_base_url = 'http://localhost.evil.com:18778';
ALTER SYSTEM SET bifrost.okx_base_url = 'http://127.0.0.1.nip.io';
ALTER SYSTEM SET bifrost.okx_base_url = 'http://127.0.0.1\@192.0.2.2';
ALTER SYSTEM SET bifrost.okx_base_url = 'http://%6cocalhost:18778';
ALTER SYSTEM SET bifrost.okx_base_url = 'http:/localhost:18778';
ALTER SYSTEM SET bifrost.okx_base_url = 'ftp://localhost';
ALTER SYSTEM SET bifrost.okx_base_url = 'https://www.okx.com/?x=1';
ALTER SYSTEM SET bifrost.okx_base_url = 'https://www.okx.com#x';
ALTER SYSTEM SET bifrost.okx_base_url = ' https://www.okx.com';
ALTER SYSTEM SET bifrost.okx_base_url = 'https://';
-- longer than 255 characters
SELECT 'https://www.okx.com/' || repeat('a', 240) AS long_url \gset
ALTER SYSTEM SET bifrost.okx_base_url = :'long_url';

-- a session cannot set them at all
SET bifrost.okx_base_url = 'http://localhost:@192.0.2.2:18778';
SELECT set_config('bifrost.ibkr_base_url', 'http://localhost:@192.0.2.2:18778', false);
-- postgresql.auto.conf holds the last values accepted, nothing refused
SELECT name, setting FROM pg_file_settings WHERE name LIKE 'bifrost.%' AND sourcefile LIKE '%postgresql.auto.conf' ORDER BY name;
ALTER SYSTEM RESET bifrost.okx_base_url;
ALTER SYSTEM RESET bifrost.ibkr_base_url;
SELECT pg_reload_conf();
SELECT current_setting('bifrost.okx_base_url') AS okx, current_setting('bifrost.ibkr_base_url') AS ibkr;
