// @ts-check
/** @type {import('@docusaurus/types').Config} */
const config = {
  title: 'Harbour Pay Docs',
  tagline: 'Payments for Hong Kong',
  url: 'https://docs.harbourpay.example',
  baseUrl: '/',
  i18n: {
    defaultLocale: 'en',
    locales: ['en', 'zh-Hant', 'zh-Hans'],
  },
  presets: [['classic', { docs: { sidebarPath: require.resolve('./sidebars.js') } }]],
};
module.exports = config;
