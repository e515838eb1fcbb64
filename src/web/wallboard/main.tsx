import { render } from 'preact';
import { I18nProvider } from '../agent/i18n/context.js';
import { WallboardApp } from './WallboardApp.js';
import '../agent/styles.css';
import 'uplot/dist/uPlot.min.css';
import './wallboard.css';

const root = document.getElementById('app');
if (root) {
  render(
    <I18nProvider>
      <WallboardApp />
    </I18nProvider>,
    root,
  );
}
