import '@fontsource-variable/inter/wght.css';
import '@fontsource-variable/jetbrains-mono/wght.css';
import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { i18n } from './lib/i18n.svelte';
import { router } from './lib/router.svelte';
import { prefetchOverview } from './lib/overview';

performance.mark('main:start');
if (router.route.name === 'home') prefetchOverview();
document.documentElement.lang = i18n.lang;
mount(App, { target: document.getElementById('app')! });
performance.mark('main:mounted');
