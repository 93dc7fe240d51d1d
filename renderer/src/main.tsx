// Entry: connect (preload or `cairn serve`), start the event bridge, render.
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { startBridge } from './bridge';
import { connectFromPage, setConnection } from './client';
import { appStore } from './store/store';
import { navigate, parseRoute } from './route';
import './styles.css';

const conn = connectFromPage(window);
setConnection(conn);
appStore.getState().setRoute(parseRoute(window.location.hash));
window.addEventListener('hashchange', () => appStore.getState().setRoute(parseRoute(window.location.hash)));
if (conn) {
  startBridge(appStore, conn);
  conn.desktop?.onNavigate((v) => {
    navigate({ view: v === 'restore' ? 'browse' : v });
  });
} else appStore.getState().setConnection('down');

createRoot(document.getElementById('root')!).render(<App connected={conn !== null} />);
