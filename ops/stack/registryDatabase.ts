/** The registry's own Postgres database: the product database's name with a `_registry` suffix, same server. */
export function registryDatabaseUrl(databaseUrl: string): {
  name: string;
  url: string;
  jdbcUrl: string;
  user: string;
  password: string;
} {
  const url = new URL(databaseUrl);
  const name = `${decodeURIComponent(url.pathname.replace(/^\//, '')) || 'parmana'}_registry`;
  const target = new URL(databaseUrl);
  target.pathname = `/${encodeURIComponent(name)}`;
  const user = decodeURIComponent(url.username) || 'postgres';
  // The JDBC driver wants a password property even under trust auth; it is ignored there.
  const password = decodeURIComponent(url.password) || 'postgres';
  return {
    name,
    url: target.toString(),
    jdbcUrl: `jdbc:postgresql://${url.hostname}:${url.port || '5432'}/${name}`,
    user,
    password,
  };
}
