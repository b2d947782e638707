// The API key lives in sessionStorage only: gone when the tab closes, never in localStorage or a cookie.

const KEY = 'parmana.apiKey';

export function storedApiKey(): string | null {
  try {
    const v = window.sessionStorage.getItem(KEY);
    return v === null || v === '' ? null : v;
  } catch {
    return null;
  }
}

export function storeApiKey(key: string): void {
  window.sessionStorage.setItem(KEY, key);
}

export function forgetApiKey(): void {
  window.sessionStorage.removeItem(KEY);
}
