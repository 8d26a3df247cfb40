import { mountConsole } from '/static/console.js';

mountConsole();
