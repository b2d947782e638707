import { useCallback, useMemo, useState, type SubmitEvent } from 'react';
import { ApiContext, createApi } from './lib/api.js';
import { forgetApiKey, storeApiKey, storedApiKey } from './lib/session.js';
import { DecisionsTab } from './tabs/DecisionsTab.js';
import { HealthTab } from './tabs/HealthTab.js';
import { LogTab } from './tabs/LogTab.js';
import { OverridesTab } from './tabs/OverridesTab.js';
import { SecurityTab } from './tabs/SecurityTab.js';
import { StatsTab } from './tabs/StatsTab.js';
import { VerificationsTab } from './tabs/VerificationsTab.js';

const TABS = [
  { id: 'decisions', label: 'Decisions', View: DecisionsTab },
  { id: 'security', label: 'Security', View: SecurityTab },
  { id: 'overrides', label: 'Overrides', View: OverridesTab },
  { id: 'verifications', label: 'Verifications', View: VerificationsTab },
  { id: 'stats', label: 'Stats', View: StatsTab },
  { id: 'log', label: 'Log', View: LogTab },
  { id: 'health', label: 'Health', View: HealthTab },
] as const;
type TabId = (typeof TABS)[number]['id'];

function tabFromHash(): TabId {
  const id = window.location.hash.replace(/^#/, '');
  return TABS.find((t) => t.id === id)?.id ?? 'decisions';
}

function KeyPrompt({ notice, onKey }: { notice: string | null; onKey: (key: string) => void }) {
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const key = value.trim();
    if (!/^[\x21-\x7e]{1,512}$/.test(key)) {
      setProblem('Enter an API key (printable characters, no spaces).');
      return;
    }
    onKey(key);
  };
  return (
    <main className="key-prompt">
      <h1>Parmana Stream — audit dashboard</h1>
      <form onSubmit={submit} noValidate data-testid="key-form">
        <label>
          API key
          <input
            name="apiKey"
            type="password"
            autoComplete="off"
            autoFocus
            value={value}
            onChange={(e) => {
              setValue(e.target.value);
            }}
          />
        </label>
        <button type="submit" className="primary">
          Open dashboard
        </button>
      </form>
      <p className="muted">
        The key is kept in this tab&apos;s session storage only and sent as a bearer token to this server. Reading the
        audit trail needs the auditor role (or admin); resolving overrides needs approver or admin.
      </p>
      {(problem ?? notice) !== null && (
        <div className="error" role="alert" data-testid="key-notice">
          {problem ?? notice}
        </div>
      )}
    </main>
  );
}

function Shell({ onSignOut }: { onSignOut: () => void }) {
  const [tab, setTab] = useState<TabId>(tabFromHash);
  const active = TABS.find((t) => t.id === tab) ?? TABS[0];
  return (
    <div className="shell">
      <header className="top">
        <h1>Parmana Stream audit</h1>
        <nav role="tablist" aria-label="Sections">
          {TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              aria-selected={t.id === tab}
              className={t.id === tab ? 'tab active' : 'tab'}
              onClick={() => {
                window.history.replaceState(null, '', `#${t.id}`);
                setTab(t.id);
              }}
            >
              {t.label}
            </button>
          ))}
        </nav>
        <button type="button" className="sign-out" onClick={onSignOut}>
          Forget key
        </button>
      </header>
      <main className="content" role="tabpanel" aria-label={active.label}>
        <active.View />
      </main>
    </div>
  );
}

export function App() {
  const [apiKey, setApiKey] = useState<string | null>(storedApiKey);
  const [notice, setNotice] = useState<string | null>(null);
  const onUnauthorized = useCallback(() => {
    forgetApiKey();
    setApiKey(null);
    setNotice('The API refused this key (401). Enter a valid API key.');
  }, []);
  const api = useMemo(() => (apiKey === null ? null : createApi(apiKey, onUnauthorized)), [apiKey, onUnauthorized]);
  if (api === null) {
    return (
      <KeyPrompt
        notice={notice}
        onKey={(key) => {
          storeApiKey(key);
          setNotice(null);
          setApiKey(key);
        }}
      />
    );
  }
  return (
    <ApiContext.Provider value={api}>
      <Shell
        onSignOut={() => {
          forgetApiKey();
          setNotice(null);
          setApiKey(null);
        }}
      />
    </ApiContext.Provider>
  );
}
