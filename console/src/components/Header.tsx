import type { ComponentChildren } from 'preact';

interface HeaderProps {
  connection: string;
  local: boolean;
  account?: ComponentChildren;
}

export const Header = ({ connection, local, account }: HeaderProps) => (
  <header class="site-header">
    <div class="brand">
      <h1>Pet detector</h1>
      <span class="stage">{local ? 'local stack' : 'deployed API'}</span>
      <span class="connection" role="status">
        Live updates: {connection}
      </span>
    </div>
    {account}
  </header>
);
