/*
 * app.js: the status page's behaviour.  It signs in (POST /login), then polls the JSON
 * endpoints of bifrost-status and draws what they say: the lamps, the figures, a hand-made
 * SVG chart, the operations, the history statistics, the self-check and the backtests, and
 * it sends the operator's controls.
 *
 * Rules it keeps:
 *  - every value reaches the page through textContent or an SVG attribute holding a number
 *    computed here, never through innerHTML, so nothing the database holds can become markup;
 *  - every request carries X-Requested-With: bifrost-page (the server then answers 401 without
 *    asking the browser for Basic credentials) and a POST carries the session's CSRF token;
 *  - one request per endpoint at a time: a poller schedules its next run only once its last
 *    one has finished, and all polling stops while the tab is hidden;
 *  - the password lives only in the input field until it is sent, which clears it.
 */
'use strict';

(() => {
	const SVG_NS = 'http://www.w3.org/2000/svg';
	const REQUEST_TIMEOUT_MS = 15000;

	/* What each reason of bifrost_status() means, and which ones make a lamp red. */
	const REASONS = {
		config_invalid: ['red', 'the configuration has a problem the hedger refuses'],
		hedge_writes_failing: ['red', 'the hedger cannot write its records and paused'],
		no_status: ['red', 'no status row: the hedger never ran here'],
		daemon_not_running: ['red', 'the hedger is not running'],
		status_stale: ['red', 'the status row is older than three heartbeats'],
		trading_safe: ['red', 'trading is in SAFE after a fault'],
		circuit_breaker: ['red', 'the daily loss limit is reached'],
		status_read_error: ['red', 'the status could not be read'],
		no_heartbeat: ['red', 'no heartbeat row: the hedger never ran here'],
		daemon_stopped: ['red', 'the hedger was stopped'],
		heartbeat_stale: ['red', 'no heartbeat for three intervals'],
		trading_suspended: ['yellow', 'hedging is suspended by an operator'],
		data_stale: ['yellow', 'the newest quote is older than the lag threshold'],
		trading_state_pause_cost: ['yellow', 'paused: hedging costs too much now'],
		trading_state_pause_liq: ['yellow', 'paused: the spread is too wide'],
		need_hedge_stuck: ['yellow', 'a needed hedge has waited more than a heartbeat'],
		trading_not_ready: ['yellow', 'trading is still starting (BOOT or SYNC)'],
		daily_limit_reached: ['yellow', 'the daily hedge count is used up'],
		broker_not_connected: ['yellow', 'the broker is not connected'],
	};

	const LAMP_WORDS = { green: 'OK', yellow: 'Degraded', red: 'Blocked', unknown: 'Unknown' };

	const CONTROLS = {
		suspend: { label: 'Suspend', help: 'Stop placing hedges; the hedger keeps running and reporting.' },
		resume: { label: 'Resume', help: 'Hedge again after a suspend or a flatten.' },
		resume_trading: { label: 'Resume trading', help: 'Leave SAFE once its fault has cleared.' },
		retry_broker: { label: 'Retry broker', help: 'Reconnect to the broker now instead of at the next heartbeat.' },
		flatten: {
			label: 'Flatten', help: 'Take the hedge position to zero and suspend hedging.',
			confirm: 'Flatten the hedge position? The hedger sends the order that takes the position to zero ' +
				'and stays suspended until someone resumes it.',
		},
		stop: {
			label: 'Stop', help: 'Stop the hedger worker.',
			confirm: 'Stop the hedger? It stops deciding and hedging until it is started again ' +
				'(bifrost_start() or a server restart).',
		},
	};

	/* Default delta limits of the engine, used when the status does not carry the configured ones. */
	const DEFAULT_LIMITS = { epsilon_band: 10, threshold_hedge_shares: 25, max_delta_limit: 500 };

	const state = {
		session: null,			/* {role, can_read, can_control, csrf} */
		generation: 0,			/* bumped at every sign-in and sign-out: late answers of the old one are dropped */
		pollers: [],
		ticker: null,
		heartbeat: null,		/* {age: seconds at fetch, at: performance.now() of the fetch, interval} */
		lastOpId: null,
		selectedRun: null,
		confirmAction: null,
	};

	const $ = (id) => document.getElementById(id);

	/* ---- building DOM without markup ---- */

	function el(tag, opts, children) {
		const node = document.createElement(tag);
		if (opts) {
			if (opts.cls) node.className = opts.cls;
			if (opts.text !== undefined && opts.text !== null) node.textContent = String(opts.text);
			if (opts.title) node.title = opts.title;
			if (opts.attrs) for (const [k, v] of Object.entries(opts.attrs)) node.setAttribute(k, String(v));
		}
		for (const c of children || []) if (c) node.appendChild(c);
		return node;
	}

	function svg(tag, attrs, text) {
		const node = document.createElementNS(SVG_NS, tag);
		for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
		if (text !== undefined) node.textContent = String(text);
		return node;
	}

	function clear(node) {
		while (node.firstChild) node.removeChild(node.firstChild);
		return node;
	}

	function setText(id, text, cls) {
		const node = $(id);
		node.textContent = text;
		if (cls !== undefined) node.className = cls;
		return node;
	}

	function unavailable(node, what, res) {
		const why = res.status ? `${res.status}: ${res.error}` : res.error;
		clear(node).appendChild(el('div', { cls: 'unavailable', attrs: { 'data-testid': 'not-available' } }, [
			el('strong', { text: `${what} not available.` }),
			el('span', { text: ` The server answered ${why}` }),
		]));
	}

	/* ---- numbers and times ---- */

	const isNum = (v) => v !== null && v !== undefined && v !== '' && Number.isFinite(Number(v));

	function fmt(v, minDigits, maxDigits) {
		if (!isNum(v)) return '–';
		return Number(v).toLocaleString('en-US', {
			minimumFractionDigits: minDigits, maximumFractionDigits: maxDigits ?? minDigits,
		});
	}

	const fmtPrice = (v) => fmt(v, 2, 4);
	const fmtMoney = (v) => (isNum(v) ? (Number(v) < 0 ? '-$' : '$') + fmt(Math.abs(Number(v)), 2) : '–');
	const fmtPct = (share) => (isNum(share) ? fmt(Number(share) * 100, 1) + ' %' : '–');
	const signClass = (v) => (!isNum(v) || Number(v) === 0 ? '' : Number(v) > 0 ? 'pos' : 'neg');

	function fmtSigned(v, digits) {
		if (!isNum(v)) return '–';
		const s = fmt(v, digits);
		return Number(v) > 0 ? '+' + s : s;
	}

	/* A timestamp of the server (ISO with up to 6 fraction digits) as a Date. */
	function parseTs(text) {
		if (typeof text !== 'string') return null;
		const d = new Date(text.replace(/(\.\d{3})\d+/, '$1'));
		return Number.isNaN(d.getTime()) ? null : d;
	}

	const pad = (n) => String(n).padStart(2, '0');

	function fmtTime(text, withDate) {
		const d = parseTs(text);
		if (!d) return '–';
		const hms = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
		return withDate ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hms}` : hms;
	}

	function fmtAge(seconds) {
		if (!isNum(seconds)) return '–';
		const s = Math.max(0, Math.floor(Number(seconds)));
		if (s < 120) return `${s} s ago`;
		if (s < 7200) return `${Math.floor(s / 60)} min ${s % 60} s ago`;
		if (s < 172800) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min ago`;
		return `${Math.floor(s / 86400)} days ago`;
	}

	/* ---- HTTP ---- */

	async function api(path, opts = {}) {
		const headers = { 'X-Requested-With': 'bifrost-page', Accept: 'application/json' };
		const init = { method: opts.method || 'GET', headers, credentials: 'same-origin', cache: 'no-store' };
		if (opts.body !== undefined) {
			headers['Content-Type'] = 'application/json';
			init.body = JSON.stringify(opts.body);
		}
		if (init.method === 'POST' && state.session && state.session.csrf) headers['X-CSRF-Token'] = state.session.csrf;
		const abort = new AbortController();
		const timer = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
		init.signal = abort.signal;
		const generation = state.generation;
		let res;
		let data = null;
		try {
			res = await fetch(path, init);
			const type = res.headers.get('Content-Type') || '';
			if (type.includes('json')) data = await res.json().catch(() => null);
			else await res.text();
		} catch (e) {
			return { ok: false, status: 0, data: null, error: 'no answer from the server', stale: generation !== state.generation };
		} finally {
			clearTimeout(timer);
		}
		const error = res.ok ? null
			: (data && typeof data.error === 'string' ? data.error : `HTTP ${res.status} ${res.statusText}`);
		const out = {
			ok: res.ok, status: res.status, data, error,
			hint: data && typeof data.hint === 'string' ? data.hint : null,
			stale: generation !== state.generation,
		};
		if (res.status === 401 && state.session && !opts.signingIn && !out.stale) sessionEnded(error);
		return out;
	}

	/* ---- polling ---- */

	function makePoller(name, intervalMs, fn) {
		return { name, intervalMs, fn, timer: null, busy: false, again: false };
	}

	const polling = () => state.session !== null && !document.hidden;

	/* Runs a poller now unless it is running (then once more right after); schedules its next run. */
	function runPoller(p) {
		if (p.busy) {
			p.again = true;
			return;
		}
		clearTimeout(p.timer);
		p.timer = null;
		p.busy = true;
		const generation = state.generation;
		Promise.resolve()
			.then(() => p.fn(generation))
			.catch((e) => console.error(`bifrost page: ${p.name}:`, e))
			.finally(() => {
				p.busy = false;
				if (generation !== state.generation || !polling()) return;
				if (p.again) {
					p.again = false;
					runPoller(p);
				} else {
					p.timer = setTimeout(() => runPoller(p), p.intervalMs);
				}
			});
	}

	function pollerNamed(name) {
		return state.pollers.find((p) => p.name === name);
	}

	function refreshNow(...names) {
		for (const n of names) {
			const p = pollerNamed(n);
			if (p && polling()) runPoller(p);
		}
	}

	function startPolling() {
		for (const p of state.pollers) runPoller(p);
		if (state.ticker === null) state.ticker = setInterval(tick, 1000);
	}

	function stopPolling() {
		for (const p of state.pollers) {
			clearTimeout(p.timer);
			p.timer = null;
			p.again = false;
		}
		clearInterval(state.ticker);
		state.ticker = null;
	}

	document.addEventListener('visibilitychange', () => {
		if (document.hidden) stopPolling();
		else if (state.session) startPolling();
	});

	/* ---- the lamps and the figures (GET /status) ---- */

	function setLamp(kind, color, reasons) {
		const c = LAMP_WORDS[color] ? color : 'unknown';
		const lamp = $(`lamp-${kind}`);
		lamp.className = `lamp lamp-${c}`;
		lamp.dataset.lamp = c;
		lamp.setAttribute('aria-label', `${kind === 'status' ? 'hedging' : 'daemon'} lamp ${c}`);
		setText(`lamp-${kind}-word`, `${LAMP_WORDS[c]} (${c})`, `lamp-word word-${c}`);
		const list = clear($(kind === 'status' ? 'status-reasons' : 'daemon-reasons'));
		if (!Array.isArray(reasons) || reasons.length === 0) {
			list.appendChild(el('li', { cls: 'reason reason-none', text: 'no reason to worry' }));
			return;
		}
		for (const r of reasons) {
			const [level, meaning] = REASONS[r] || ['yellow', ''];
			list.appendChild(el('li', {
				cls: `reason reason-${level}`, text: String(r), title: meaning,
				attrs: { 'data-testid': 'reason', 'data-reason': String(r) },
			}));
		}
	}

	/* "cfg=3f9a12c0 broker=paper feed=replay paper=on" as {cfg, broker, feed, paper}. */
	function summaryFields(text) {
		const out = {};
		for (const part of String(text || '').split(/\s+/)) {
			const i = part.indexOf('=');
			if (i > 0) out[part.slice(0, i)] = part.slice(i + 1);
		}
		return out;
	}

	/* The delta limits: from the status document when it carries them, else the engine's defaults. */
	function deltaLimits(doc) {
		const src = (doc && (doc.delta_limits || doc.limits)) || (doc && doc.status) || {};
		const pick = (k) => (isNum(src[k]) ? Number(src[k]) : null);
		const configured = {
			epsilon_band: pick('epsilon_band'),
			threshold_hedge_shares: pick('threshold_hedge_shares'),
			max_delta_limit: pick('max_delta_limit'),
		};
		if (configured.threshold_hedge_shares !== null) {
			return {
				epsilon_band: configured.epsilon_band ?? DEFAULT_LIMITS.epsilon_band,
				threshold_hedge_shares: configured.threshold_hedge_shares,
				max_delta_limit: configured.max_delta_limit ?? DEFAULT_LIMITS.max_delta_limit,
				source: 'configured',
			};
		}
		return { ...DEFAULT_LIMITS, source: 'defaults' };
	}

	/*
	 * The net delta on a bar from -span to +span: green inside the no-trade band, grey up to the
	 * hedge threshold, yellow up to the force limit, red beyond.  A square-root scale keeps the
	 * band and the threshold, which are small beside the force limit, wide enough to see.
	 */
	function drawGauge(delta, limits) {
		const box = clear($('delta-gauge'));
		const W = 600, H = 64, L = 12, R = 12, top = 22, barH = 14;
		const span = Math.max(limits.max_delta_limit * 1.15, isNum(delta) ? Math.abs(Number(delta)) * 1.1 : 0, 1);
		const scale = (v) => Math.sign(v) * Math.sqrt(Math.min(Math.abs(v), span) / span);
		const x = (v) => L + ((scale(v) + 1) / 2) * (W - L - R);
		const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img',
			'aria-label': `net delta ${isNum(delta) ? fmt(delta, 2) : 'unknown'}` });
		root.appendChild(svg('rect', { class: 'g-force', x: L, y: top, width: W - L - R, height: barH }));
		const zone = (a, cls) => root.appendChild(svg('rect', { class: cls, x: x(-a), y: top, width: x(a) - x(-a), height: barH }));
		zone(limits.max_delta_limit, 'g-hedge');
		zone(limits.threshold_hedge_shares, 'g-track');
		zone(limits.epsilon_band, 'g-band');
		root.appendChild(svg('line', { class: 'g-zero', x1: x(0), x2: x(0), y1: top - 2, y2: top + barH + 2 }));
		for (const v of [limits.epsilon_band, limits.threshold_hedge_shares, limits.max_delta_limit]) {
			for (const s of [-1, 1]) {
				root.appendChild(svg('line', { class: 'g-tick', x1: x(s * v), x2: x(s * v), y1: top, y2: top + barH + 4 }));
			}
		}
		const ly = top + barH + 15;
		root.appendChild(svg('text', { class: 'g-text', x: x(-limits.epsilon_band), y: ly, 'text-anchor': 'end' },
			`band ±${fmt(limits.epsilon_band, 0, 2)}`));
		root.appendChild(svg('text', { class: 'g-text', x: x(limits.threshold_hedge_shares), y: ly, 'text-anchor': 'start' },
			`hedge ±${fmt(limits.threshold_hedge_shares, 0, 2)}`));
		root.appendChild(svg('text', { class: 'g-text', x: x(limits.max_delta_limit), y: ly, 'text-anchor': 'middle' },
			`force ±${fmt(limits.max_delta_limit, 0, 2)}`));
		if (isNum(delta)) {
			const d = Number(delta);
			const cx = x(d);
			root.appendChild(svg('path', { class: 'g-mark', d: `M${cx - 6},${top - 8} L${cx + 6},${top - 8} L${cx},${top + 1} Z`,
				'data-testid': 'gauge-marker' }));
			root.appendChild(svg('rect', { class: 'g-mark', x: cx - 1, y: top, width: 2, height: barH }));
			const anchor = cx < W * 0.15 ? 'start' : cx > W * 0.85 ? 'end' : 'middle';
			root.appendChild(svg('text', { class: 'g-value', x: cx, y: top - 10, 'text-anchor': anchor }, fmt(d, 2)));
		}
		box.appendChild(root);
		setText('gauge-source', limits.source === 'configured' ? '(configured limits; square-root scale)'
			: '(the engine\'s default limits, as the status carries no configured ones; square-root scale)');
	}

	function renderStatus(doc) {
		const hb = doc.heartbeat || null;
		const st = doc.status || null;
		setLamp('daemon', doc.daemon_lamp, doc.daemon_block_reasons);
		setLamp('status', doc.status_lamp, doc.block_reasons);

		state.heartbeat = hb && isNum(hb.age_sec)
			? { age: Number(hb.age_sec), at: performance.now(), interval: Number(hb.heartbeat_interval_sec) || 10,
				lastTs: parseTs(hb.last_ts) }
			: null;
		if (!hb) setText('heartbeat-age', 'never', 'bad');
		tick();

		setText('daemon-state', (hb && hb.daemon_state) || (st && st.daemon_state) || '–');
		if (hb) {
			const broker = hb.broker || '?';
			if (hb.broker_connected) setText('broker', `${broker}: connected`, 'good');
			else {
				const retry = isNum(hb.seconds_until_retry) ? `, retry in ${hb.seconds_until_retry} s` : '';
				setText('broker', `${broker}: not connected${retry}`, 'bad');
			}
		} else setText('broker', '–', '');
		const summary = summaryFields(st && st.config_summary);
		const lag = st && isNum(st.data_lag_ms) ? `, newest quote ${fmt(st.data_lag_ms / 1000, 1)} s old` : '';
		setText('feed', summary.feed ? `${summary.feed}${lag}` : (lag ? lag.slice(2) : '–'),
			(doc.block_reasons || []).includes('data_stale') ? 'warn' : '');

		if (st) {
			const since = parseTs(st.trading_state_since);
			const statusTs = parseTs(st.ts);
			let sinceText = '';
			if (since && state.heartbeat && state.heartbeat.lastTs) {
				const secs = state.heartbeat.age + (state.heartbeat.lastTs - since) / 1000;
				sinceText = ` (since ${fmtAge(secs).replace(' ago', '')})`;
			}
			setText('trading-state', `${st.trading_state || '–'}${sinceText}`,
				st.trading_state === 'SAFE' ? 'bad' : '');
			setText('trading-mode', st.trading_mode || summary.paper && `paper=${summary.paper}` || '–',
				st.trading_mode === 'live' ? 'warn' : '');
			setText('status-age', statusTs ? `written ${fmtTime(st.ts, true)}` : '–');
			setText('symbol', st.symbol ? `· ${st.symbol}` : '');
			setText('spot', fmtPrice(st.spot));
			setText('bid', fmtPrice(st.bid));
			setText('ask', fmtPrice(st.ask));
			setText('net-delta', fmt(st.net_delta, 2), 'tile-value');
			setText('hedge-position', fmtSigned(st.stock_position ?? st.hedge_position, 0), 'tile-value');
			setText('daily-hedges', fmt(st.daily_hedge_count, 0));
			setText('daily-pnl', fmtMoney(st.daily_pnl), `tile-value ${signClass(st.daily_pnl)}`);
			setText('legs-count', fmt(st.option_legs_count, 0));
			setText('data-lag', isNum(st.data_lag_ms) ? `${fmt(st.data_lag_ms, 0)} ms` : '–');
			for (const [id, v] of [['spot', st.spot], ['bid', st.bid], ['ask', st.ask], ['net-delta', st.net_delta],
				['hedge-position', st.stock_position ?? st.hedge_position], ['daily-hedges', st.daily_hedge_count],
				['daily-pnl', st.daily_pnl]]) {
				$(id).dataset.value = isNum(v) ? String(v) : '';
			}
		} else {
			for (const id of ['trading-state', 'trading-mode', 'status-age', 'spot', 'bid', 'ask', 'net-delta',
				'hedge-position', 'daily-hedges', 'daily-pnl', 'legs-count', 'data-lag']) setText(id, '–');
			setText('symbol', '');
		}
		drawGauge(st ? st.net_delta : null, deltaLimits(doc));
		if (doc.error) setText('foot', `The status could not be read: ${doc.error}`);
		else setText('foot', `Updated ${fmtTime(new Date().toISOString())} (this browser's clock) · ` +
			`answers come from the database as role ${state.session ? state.session.role : '?'}`);
	}

	/* Once a second: the heartbeat's age counts up between polls. */
	function tick() {
		const h = state.heartbeat;
		if (!h) return;
		const age = h.age + (performance.now() - h.at) / 1000;
		setText('heartbeat-age', fmtAge(age), age > 3 * h.interval ? 'bad' : 'good');
		$('heartbeat-age').dataset.age = age.toFixed(1);
	}

	async function pollStatus(generation) {
		const res = await api('/status');
		if (generation !== state.generation) return;
		const conn = $('conn');
		if (!res.ok) {
			if (res.status === 401) return;
			conn.hidden = false;
			conn.textContent = res.status ? `status: ${res.error}` : 'no answer from the server';
			return;
		}
		conn.hidden = true;
		renderStatus(res.data || {});
	}

	/* ---- the chart (GET /status-series) ---- */

	const SERIES = [
		{ key: 'net_delta', title: 'Net delta (shares)', value: (r) => r.net_delta, fmt: (v) => fmt(v, 0, 1) },
		{ key: 'hedge_position', title: 'Hedge position (shares)', value: (r) => r.hedge_position ?? r.stock_position,
			fmt: (v) => fmt(v, 0) },
		{ key: 'daily_pnl', title: 'Daily P&L (USD)', value: (r) => r.daily_pnl, fmt: (v) => fmtMoney(v), money: true },
	];

	function niceTicks(lo, hi, count) {
		const span = hi - lo || Math.abs(hi) || 1;
		const raw = span / count;
		const mag = Math.pow(10, Math.floor(Math.log10(raw)));
		const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || 10 * mag;
		const out = [];
		for (let i = Math.ceil(lo / step); i * step <= hi + step * 1e-9 && out.length < 20; i++) out.push(i === 0 ? 0 : i * step);
		return out;
	}

	/* An axis label short enough for the margin: 100.4K rather than $100,400.00. */
	function axisLabel(v, opts) {
		if (Math.abs(v) < 10000) return opts.fmt(v);
		const short = Number(v).toLocaleString('en-US', { notation: 'compact', maximumFractionDigits: 2 });
		return opts.money ? (v < 0 ? '-$' + short.slice(1) : '$' + short) : short;
	}

	/*
	 * One panel of a line chart: points [{t: ms, v: number}], x range [t0, t1].  Returns the
	 * <svg>; its path carries data-points (how many points it joins) for the test.
	 */
	function linePanel(points, t0, t1, opts) {
		const W = 1000, H = opts.height || 120, L = 64, R = 12, T = 18, B = opts.axis ? 22 : 6;
		const vals = points.map((p) => p.v);
		let lo = Math.min(...vals, opts.zero ? 0 : Infinity);
		let hi = Math.max(...vals, opts.zero ? 0 : -Infinity);
		if (lo === hi) { lo -= 1; hi += 1; }
		const margin = (hi - lo) * 0.08;
		lo -= margin; hi += margin;
		const x = (t) => L + ((t - t0) / Math.max(1, t1 - t0)) * (W - L - R);
		const y = (v) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
		const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': opts.title,
			'data-testid': `chart-${opts.key}` });
		root.appendChild(svg('text', { class: 'c-title', x: L, y: 12 }, opts.title));
		for (const v of niceTicks(lo, hi, 4)) {
			root.appendChild(svg('line', { class: 'c-grid', x1: L, x2: W - R, y1: y(v), y2: y(v) }));
			root.appendChild(svg('text', { class: 'c-label', x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, axisLabel(v, opts)));
		}
		if (lo < 0 && hi > 0) root.appendChild(svg('line', { class: 'c-zero', x1: L, x2: W - R, y1: y(0), y2: y(0) }));
		root.appendChild(svg('line', { class: 'c-axis', x1: L, x2: L, y1: T, y2: H - B }));
		if (opts.axis) {
			root.appendChild(svg('line', { class: 'c-axis', x1: L, x2: W - R, y1: H - B, y2: H - B }));
			const n = 6;
			for (let i = 0; i <= n; i++) {
				const t = t0 + ((t1 - t0) * i) / n;
				const d = new Date(t);
				const label = t1 - t0 > 2 * 86400000
					? `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
					: `${pad(d.getHours())}:${pad(d.getMinutes())}`;
				root.appendChild(svg('text', { class: 'c-label', x: x(t), y: H - 6,
					'text-anchor': i === 0 ? 'start' : i === n ? 'end' : 'middle' }, label));
			}
		}
		const d = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
		root.appendChild(svg('path', { class: `c-line c-line-${opts.key}`, d, 'data-points': points.length,
			'data-testid': `chart-path-${opts.key}` }));
		const last = points[points.length - 1];
		root.appendChild(svg('text', { class: 'c-label', x: W - R, y: 12, 'text-anchor': 'end' },
			`last ${opts.fmt(last.v)}`));
		return root;
	}

	async function pollChart(generation) {
		const hours = Number($('chart-hours').value) || 6;
		const until = new Date();
		const since = new Date(until.getTime() - hours * 3600000);
		const res = await api(`/status-series?since=${encodeURIComponent(since.toISOString())}&points=300`);
		if (generation !== state.generation || res.status === 401) return;
		const box = $('chart');
		if (!res.ok || !Array.isArray(res.data)) {
			unavailable(box, 'The status series is', res.ok ? { status: 200, error: 'no array' } : res);
			return;
		}
		const rows = res.data.map((r) => ({ r, t: parseTs(r.ts) })).filter((p) => p.t).sort((a, b) => a.t - b.t);
		clear(box);
		if (rows.length === 0) {
			box.appendChild(el('div', { cls: 'unavailable', attrs: { 'data-testid': 'chart-empty' },
				text: `No status recorded in the last ${hours} h.` }));
			return;
		}
		const t0 = Math.min(rows[0].t.getTime(), since.getTime() + 0);
		const t1 = Math.max(rows[rows.length - 1].t.getTime(), t0 + 60000);
		const grid = el('div', { cls: 'chart-grid' });
		SERIES.forEach((s, i) => {
			const pts = rows.filter((p) => isNum(s.value(p.r))).map((p) => ({ t: p.t.getTime(), v: Number(s.value(p.r)) }));
			if (pts.length === 0) {
				grid.appendChild(el('div', { cls: 'muted', text: `${s.title}: no values` }));
				return;
			}
			grid.appendChild(linePanel(pts, t0, t1, {
				key: s.key, title: s.title, fmt: s.fmt, money: s.money, zero: true, axis: i === SERIES.length - 1,
				height: i === SERIES.length - 1 ? 130 : 110,
			}));
		});
		box.appendChild(grid);
	}

	/* ---- operations (GET /operations) ---- */

	async function pollOperations(generation) {
		const res = await api('/operations?limit=50');
		if (generation !== state.generation || res.status === 401) return;
		const body = $('ops-body');
		if (!res.ok || !Array.isArray(res.data)) {
			clear(body);
			unavailable($('ops-note'), 'Operations are', res);
			return;
		}
		const previous = state.lastOpId;
		clear(body);
		let newest = previous;
		for (const op of res.data) {
			const id = Number(op.id);
			if (newest === null || id > newest) newest = id;
			const fresh = previous !== null && id > previous;
			const reason = [op.state_reason, op.block_reason].filter((x) => x).join(' · ');
			body.appendChild(el('tr', {
				cls: fresh ? 'row-new' : '',
				attrs: { 'data-testid': 'op-row', 'data-id': op.id, 'data-type': op.type || '' },
			}, [
				el('td', { cls: 'mono', text: op.id }),
				el('td', { text: fmtTime(op.ts, true), title: String(op.ts) }),
				el('td', {}, [el('span', { cls: `type type-${op.type}`, text: op.type })]),
				el('td', { text: op.side || '' }),
				el('td', { cls: 'num', text: isNum(op.quantity) ? fmt(op.quantity, 0) : '' }),
				el('td', { cls: 'num', text: isNum(op.price) ? fmtPrice(op.price) : '' }),
				el('td', { text: reason }),
				el('td', { cls: `num ${signClass(op.realized_pnl)}`, text: isNum(op.realized_pnl) ? fmtMoney(op.realized_pnl) : '' }),
				el('td', { cls: 'mono', text: op.client_order_id || '' }),
			]));
		}
		state.lastOpId = newest;
		if (res.data.length === 0) {
			body.appendChild(el('tr', {}, [el('td', { cls: 'muted', text: 'No operations yet.', attrs: { colspan: 9 } })]));
		}
		setText('ops-note', res.data.length >= 50 ? 'the newest 50' : `${res.data.length} in all`);
	}

	/* ---- history (GET /history) ---- */

	function kvList(pairs) {
		const dl = el('dl', { cls: 'kv' });
		for (const [k, v, cls] of pairs) {
			dl.appendChild(el('dt', { text: k }));
			dl.appendChild(el('dd', { text: v, cls: cls || '' }));
		}
		return dl;
	}

	/* The daily P&L's spread as a box: min, p25, median, p75, max on one line. */
	function boxPlot(p) {
		const keys = ['min', 'p25', 'median', 'p75', 'max'];
		if (!keys.every((k) => isNum(p[k]))) return null;
		const [mn, q1, md, q3, mx] = keys.map((k) => Number(p[k]));
		const W = 300, H = 46, L = 10, R = 10;
		const lo = Math.min(mn, 0), hi = Math.max(mx, 0);
		const span = hi - lo || 1;
		const x = (v) => L + ((v - lo) / span) * (W - L - R);
		const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'data-testid': 'pnl-box',
			'aria-label': `daily P&L from ${fmtMoney(mn)} to ${fmtMoney(mx)}, median ${fmtMoney(md)}` });
		root.appendChild(svg('line', { class: 'c-zero', x1: x(0), x2: x(0), y1: 2, y2: 30 }));
		root.appendChild(svg('line', { class: 'c-whisker', x1: x(mn), x2: x(mx), y1: 16, y2: 16 }));
		for (const v of [mn, mx]) root.appendChild(svg('line', { class: 'c-whisker', x1: x(v), x2: x(v), y1: 9, y2: 23 }));
		root.appendChild(svg('rect', { class: 'c-box', x: x(q1), y: 7, width: Math.max(1, x(q3) - x(q1)), height: 18 }));
		root.appendChild(svg('line', { class: 'c-median', x1: x(md), x2: x(md), y1: 7, y2: 25 }));
		root.appendChild(svg('text', { class: 'c-label', x: L, y: H - 3 }, fmtMoney(mn)));
		root.appendChild(svg('text', { class: 'c-label', x: W - R, y: H - 3, 'text-anchor': 'end' }, fmtMoney(mx)));
		return root;
	}

	function renderHistory(h) {
		const box = clear($('history'));
		const s = h.summary || {};
		const p = h.pnl || {};
		const sl = h.slippage_bps || {};
		const w = h.window || {};
		const grid = el('div', { cls: 'hist-grid' });

		grid.appendChild(el('div', { cls: 'hist-block', attrs: { 'data-testid': 'history-summary' } }, [
			el('h3', { text: 'Activity' }),
			kvList([
				['Window', w.from && w.to ? `${w.from} to ${w.to}` : '–'],
				['Time zone', w.tz || '–'],
				['Hedge intents', fmt(s.intents, 0)],
				['Orders sent', fmt(s.orders, 0)],
				['Fills', fmt(s.fills, 0)],
				['Rejects', fmt(s.rejects, 0), Number(s.rejects) > 0 ? 'warn' : ''],
				['Cancels', fmt(s.cancels, 0)],
				['Shares filled', fmt(s.shares_filled, 0)],
				['Blocked decisions', fmt(s.blocked, 0)],
				['Days with fills', fmt(s.trading_days_with_fills, 0)],
				['Last fill', s.last_fill_at ? String(s.last_fill_at) : '–'],
			]),
		]));

		const pnlBlock = el('div', { cls: 'hist-block', attrs: { 'data-testid': 'history-pnl' } }, [
			el('h3', { text: 'Realized P&L' }),
			kvList([
				['Total', fmtMoney(p.total_realized ?? s.realized_pnl), signClass(p.total_realized ?? s.realized_pnl)],
				['Days with fills', fmt(p.days, 0)],
				['Mean a day', fmtMoney(p.mean)],
				['Std. deviation', fmtMoney(p.stddev)],
				['Median a day', fmtMoney(p.median)],
				['Winning days', fmtPct(p.winning_days)],
				['Win rate (fills)', isNum(p.win_rate)
					? `${fmtPct(p.win_rate)} (${fmt(p.winning_fills, 0)} of ${fmt(p.fills_with_pnl, 0)})` : '–'],
			]),
		]);
		const bp = boxPlot(p);
		if (bp) pnlBlock.appendChild(bp);
		grid.appendChild(pnlBlock);

		const reasons = Array.isArray(h.block_reasons) ? h.block_reasons : [];
		grid.appendChild(el('div', { cls: 'hist-block', attrs: { 'data-testid': 'history-slippage' } }, [
			el('h3', { text: 'Slippage (bps against the decision mid)' }),
			kvList([
				['Fills measured', fmt(sl.count, 0)],
				['Mean', fmt(sl.mean, 2)],
				['Median', fmt(sl.median, 2)],
				['95th percentile', fmt(sl.p95, 2)],
				['Range', isNum(sl.min) ? `${fmt(sl.min, 2)} to ${fmt(sl.max, 2)}` : '–'],
			]),
			el('h3', { text: 'Block reasons' }),
			reasons.length
				? kvList(reasons.slice(0, 8).map((r) => [String(r.reason), fmt(r.count, 0)]))
				: el('p', { cls: 'muted hist-note', text: 'No blocked decisions.' }),
		]));

		const daily = Array.isArray(h.daily) ? h.daily.slice(-14).reverse() : [];
		const table = el('table', { cls: 'data', attrs: { 'data-testid': 'history-daily' } }, [
			el('thead', {}, [el('tr', {}, ['Date', 'Intents', 'Orders', 'Fills', 'Rejects', 'Shares', 'Realized P&L', 'Blocked']
				.map((t, i) => el('th', { cls: i ? 'num' : '', text: t })))]),
		]);
		const tb = el('tbody');
		for (const d of daily) {
			tb.appendChild(el('tr', {}, [
				el('td', { text: d.date }),
				...['intents', 'orders', 'fills', 'rejects', 'shares_filled'].map((k) => el('td', { cls: 'num', text: fmt(d[k], 0) })),
				el('td', { cls: `num ${signClass(d.realized_pnl)}`, text: fmtMoney(d.realized_pnl) }),
				el('td', { cls: 'num', text: fmt(d.blocked, 0) }),
			]));
		}
		if (daily.length === 0) tb.appendChild(el('tr', {}, [el('td', { cls: 'muted', text: 'No activity in the window.', attrs: { colspan: 8 } })]));
		table.appendChild(tb);
		grid.appendChild(el('div', { cls: 'hist-block hist-wide' }, [
			el('h3', { text: daily.length > 0 && h.daily.length > 14 ? 'The last 14 active days' : 'Active days' }),
			el('div', { cls: 'table-scroll' }, [table]),
		]));
		box.appendChild(grid);
	}

	const browserZone = (() => {
		try { return Intl.DateTimeFormat().resolvedOptions().timeZone || null; } catch (e) { return null; }
	})();
	let zoneRefused = false;

	async function pollHistory(generation) {
		const days = Number($('history-days').value) || 30;
		const zone = !zoneRefused && browserZone ? `&tz=${encodeURIComponent(browserZone)}` : '';
		let res = await api(`/history?days=${days}${zone}`);
		if (generation !== state.generation || res.status === 401) return;
		if (res.status === 400 && res.data && res.data.parameter === 'tz') {
			/* a zone name the database does not know: its default zone then */
			zoneRefused = true;
			res = await api(`/history?days=${days}`);
			if (generation !== state.generation || res.status === 401) return;
		}
		if (!res.ok || !res.data) unavailable($('history'), 'The history is', res);
		else renderHistory(res.data);
	}

	/* ---- self-check (GET /self-check) ---- */

	async function pollSelfCheck(generation) {
		const res = await api('/self-check');
		if (generation !== state.generation || res.status === 401) return;
		const body = clear($('check-body'));
		if (!res.ok || !Array.isArray(res.data)) {
			setText('check-summary', '');
			body.appendChild(el('tr', {}, [el('td', { attrs: { colspan: 4 } }, [el('div', { cls: 'unavailable',
				attrs: { 'data-testid': 'not-available' },
				text: `The self-check is not available. The server answered ${res.status || ''} ${res.error}` })])]));
			return;
		}
		const rows = res.data.slice().sort((a, b) => (a.ok === b.ok ? 0 : a.ok ? 1 : -1)
			|| String(a.category).localeCompare(String(b.category)) || String(a.name).localeCompare(String(b.name)));
		const failing = rows.filter((r) => !r.ok).length;
		setText('check-summary', failing ? `${failing} of ${rows.length} checks failing` : `all ${rows.length} checks pass`,
			failing ? 'bad' : 'good');
		for (const r of rows) {
			body.appendChild(el('tr', { cls: r.ok ? '' : 'row-fail',
				attrs: { 'data-testid': 'check-row', 'data-ok': r.ok ? 'true' : 'false' } }, [
				el('td', { cls: `ok-word ${r.ok ? 'good' : 'bad'}`, text: r.ok ? '✓ ok' : '✗ FAIL' }),
				el('td', { text: r.category }),
				el('td', { cls: 'mono', text: r.name }),
				el('td', { cls: 'wrap', text: r.detail || '' }),
			]));
		}
	}

	/* ---- backtests (GET /backtests, GET /backtest-equity) ---- */

	async function pollBacktests(generation) {
		const res = await api('/backtests?limit=20');
		if (generation !== state.generation || res.status === 401) return;
		const box = $('backtests');
		if (!res.ok || !Array.isArray(res.data)) {
			unavailable(box, 'Backtests are', res);
			clear($('bt-equity'));
			return;
		}
		clear(box);
		if (res.data.length === 0) {
			box.appendChild(el('p', { cls: 'muted', attrs: { 'data-testid': 'backtests-empty' },
				text: 'No backtest runs yet (bifrost_backtest() records them).' }));
			return;
		}
		const table = el('table', { cls: 'data', attrs: { 'data-testid': 'backtests-table' } }, [
			el('thead', {}, [el('tr', {}, ['Run', 'Created', 'Status', 'Symbol', 'P&L', 'Max drawdown', 'Sharpe', 'Hedges', '']
				.map((t, i) => el('th', { cls: i >= 4 && i <= 7 ? 'num' : '', text: t })))]),
		]);
		const tb = el('tbody');
		for (const r of res.data) {
			const button = el('button', { cls: 'btn btn-small', text: 'Equity curve',
				attrs: { type: 'button', 'data-testid': 'bt-show', 'data-run': r.id } });
			button.addEventListener('click', () => {
				state.selectedRun = r.id;
				for (const tr of tb.children) tr.classList.toggle('row-selected', tr.dataset.run === String(r.id));
				showEquity(r);
			});
			tb.appendChild(el('tr', { cls: String(state.selectedRun) === String(r.id) ? 'row-selected' : '',
				attrs: { 'data-testid': 'bt-row', 'data-run': r.id } }, [
				el('td', { cls: 'mono', text: r.id }),
				el('td', { text: fmtTime(r.created_at, true) }),
				el('td', { text: r.status || '', cls: r.status === 'failed' ? 'bad' : '' }),
				el('td', { text: r.symbol || '' }),
				el('td', { cls: `num ${signClass(r.pnl)}`, text: fmtMoney(r.pnl) }),
				el('td', { cls: 'num', text: fmtMoney(r.max_drawdown) }),
				el('td', { cls: 'num', text: fmt(r.sharpe_ratio, 2) }),
				el('td', { cls: 'num', text: fmt(r.hedge_count, 0) }),
				el('td', {}, [button]),
			]));
		}
		table.appendChild(tb);
		box.appendChild(el('div', { cls: 'table-scroll' }, [table]));
	}

	async function showEquity(run) {
		const box = clear($('bt-equity'));
		box.appendChild(el('p', { cls: 'muted', text: `Loading the equity curve of run ${run.id}…` }));
		const generation = state.generation;
		const res = await api(`/backtest-equity?run=${encodeURIComponent(run.id)}&points=400`);
		if (generation !== state.generation || String(state.selectedRun) !== String(run.id)) return;
		if (!res.ok || !Array.isArray(res.data)) {
			unavailable(box, 'The equity curve is', res);
			return;
		}
		const pts = res.data.map((r) => ({ t: parseTs(r.ts), v: Number(r.equity) }))
			.filter((p) => p.t && Number.isFinite(p.v)).map((p) => ({ t: p.t.getTime(), v: p.v }))
			.sort((a, b) => a.t - b.t);
		clear(box);
		if (pts.length === 0) {
			box.appendChild(el('p', { cls: 'muted', text: `Run ${run.id} has no equity points.` }));
			return;
		}
		box.appendChild(linePanel(pts, pts[0].t, Math.max(pts[pts.length - 1].t, pts[0].t + 1000), {
			key: 'equity', title: `Equity of run ${run.id}`, fmt: (v) => fmtMoney(v), money: true, axis: true, height: 180,
		}));
	}

	/* ---- controls ---- */

	function setControls() {
		const s = state.session;
		const can = !!(s && s.can_control);
		for (const b of document.querySelectorAll('#control-buttons button')) {
			const c = CONTROLS[b.dataset.action];
			b.disabled = !can;
			b.title = can ? c.help : `Read-only: role ${s ? s.role : ''} is not a member of bifrost_operator`;
		}
		setText('controls-note', can
			? 'Each control asks the hedger through bifrost.daemon_control; the result shows below.'
			: `Read-only: role ${s ? s.role : ''} may watch but not control (controls need bifrost_operator).`);
	}

	function askConfirm(action) {
		const c = CONTROLS[action];
		state.confirmAction = action;
		setText('confirm-title', `${c.label}?`);
		setText('confirm-text', c.confirm);
		setText('confirm-ok', c.label);
		const dialog = $('confirm-dialog');
		if (typeof dialog.showModal === 'function') dialog.showModal();
		else dialog.setAttribute('open', '');
		$('confirm-cancel').focus();
	}

	function closeConfirm() {
		const dialog = $('confirm-dialog');
		if (dialog.open) {
			if (typeof dialog.close === 'function') dialog.close();
			else dialog.removeAttribute('open');
		}
		state.confirmAction = null;
	}

	async function sendControl(action) {
		const c = CONTROLS[action];
		const out = $('control-result');
		const buttons = document.querySelectorAll('#control-buttons button');
		for (const b of buttons) b.disabled = true;
		out.hidden = false;
		out.className = 'control-result';
		out.dataset.action = action;
		out.dataset.state = 'sending';
		out.textContent = `${c.label}: sending…`;
		const res = await api(`/control/${action}`, { method: 'POST', body: {} });
		if (res.stale) return;
		setControls();
		if (res.ok && res.data) {
			const d = res.data;
			const said = d.result === true ? 'delivered to the hedger'
				: d.result === false ? 'recorded, but not delivered' : 'sent';
			out.textContent = `${c.label}: ${said}.${d.notice ? ' ' + d.notice : ''}`;
			out.dataset.state = d.result === false ? 'undelivered' : 'done';
			if (d.result === false) out.className = 'control-result result-bad';
		} else if (res.status !== 401) {
			out.textContent = `${c.label} failed: ${res.error}${res.hint ? ' (' + res.hint + ')' : ''}`;
			out.dataset.state = 'failed';
			out.className = 'control-result result-bad';
		}
		refreshNow('status', 'operations');
	}

	for (const b of document.querySelectorAll('#control-buttons button')) {
		b.addEventListener('click', () => {
			const action = b.dataset.action;
			if (!state.session || !state.session.can_control || !CONTROLS[action]) return;
			if (CONTROLS[action].confirm) askConfirm(action);
			else sendControl(action);
		});
	}
	$('confirm-cancel').addEventListener('click', closeConfirm);
	$('confirm-ok').addEventListener('click', () => {
		const action = state.confirmAction;
		closeConfirm();
		if (action) sendControl(action);
	});
	$('confirm-dialog').addEventListener('cancel', () => { state.confirmAction = null; });

	/* ---- signing in and out ---- */

	function showLogin(message) {
		$('app-view').hidden = true;
		$('session').hidden = true;
		$('conn').hidden = true;
		$('login-view').hidden = false;
		const err = $('login-error');
		err.hidden = !message;
		err.textContent = message || '';
		$('login-role').focus();
	}

	/* Forgets everything the last session showed, so the next role sees nothing of it. */
	function wipe() {
		state.heartbeat = null;
		state.lastOpId = null;
		state.selectedRun = null;
		for (const id of ['ops-body', 'history', 'check-body', 'chart', 'backtests', 'bt-equity', 'delta-gauge',
			'status-reasons', 'daemon-reasons']) clear($(id));
		for (const id of ['heartbeat-age', 'broker', 'feed', 'daemon-state', 'trading-state', 'trading-mode', 'status-age',
			'spot', 'bid', 'ask', 'net-delta', 'hedge-position', 'daily-hedges', 'daily-pnl', 'legs-count', 'data-lag']) {
			setText(id, '–');
			delete $(id).dataset.value;
		}
		for (const id of ['symbol', 'ops-note', 'check-summary', 'foot', 'gauge-source']) setText(id, '');
		$('control-result').hidden = true;
		setLamp('daemon', 'unknown', []);
		setLamp('status', 'unknown', []);
	}

	function enterApp(session) {
		state.generation++;
		state.session = session;
		wipe();
		setText('session-role', session.role);
		setText('session-rights', session.can_control ? 'operator' : 'reader',
			session.can_control ? 'badge badge-operator' : 'badge');
		$('login-view').hidden = true;
		$('login-error').hidden = true;
		$('session').hidden = false;
		$('app-view').hidden = false;
		setControls();
		if (!document.hidden) startPolling();
	}

	function leaveApp(message) {
		state.generation++;
		state.session = null;
		stopPolling();
		closeConfirm();
		wipe();
		showLogin(message);
	}

	function sessionEnded(error) {
		leaveApp(`Your session has ended (${error}): sign in again.`);
	}

	$('login-form').addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const roleInput = $('login-role');
		const pwInput = $('login-password');
		const role = roleInput.value.trim();
		const body = { role, password: pwInput.value };
		pwInput.value = '';
		const err = $('login-error');
		if (!role) {
			err.hidden = false;
			err.textContent = 'Enter a role.';
			return;
		}
		$('login-submit').disabled = true;
		err.hidden = true;
		const res = await api('/login', { method: 'POST', body, signingIn: true });
		body.password = '';
		$('login-submit').disabled = false;
		if (res.ok && res.data && res.data.role) {
			enterApp(res.data);
			return;
		}
		err.hidden = false;
		err.dataset.status = String(res.status);
		if (res.status === 403) {
			err.textContent = `No rights: role "${role}" is neither bifrost_reader nor bifrost_operator, ` +
				'so it may not see this page. Ask for GRANT bifrost_reader (to watch) or bifrost_operator (to control).';
		} else if (res.status === 401) {
			err.textContent = 'The role or the password is wrong.';
		} else {
			err.textContent = `Sign-in failed: ${res.error}`;
		}
		pwInput.focus();
	});

	$('logout').addEventListener('click', async () => {
		const b = $('logout');
		b.disabled = true;
		await api('/logout', { method: 'POST', body: {}, signingIn: true });
		b.disabled = false;
		leaveApp('');
	});

	$('chart-hours').addEventListener('change', () => refreshNow('chart'));
	$('history-days').addEventListener('change', () => refreshNow('history'));

	state.pollers = [
		makePoller('status', 2000, pollStatus),
		makePoller('operations', 5000, pollOperations),
		makePoller('chart', 15000, pollChart),
		makePoller('history', 60000, pollHistory),
		makePoller('selfcheck', 30000, pollSelfCheck),
		makePoller('backtests', 60000, pollBacktests),
	];

	/* A session this browser already holds (its cookie) goes straight to the page. */
	(async () => {
		const res = await api('/session', { signingIn: true });
		if (res.ok && res.data && res.data.role && res.data.csrf) enterApp(res.data);
		else showLogin('');
	})();
})();
