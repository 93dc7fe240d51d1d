// Vite bundles CSS imports into a stylesheet file (no inline <style>: the CSP allows only 'self').
declare module '*.css';
