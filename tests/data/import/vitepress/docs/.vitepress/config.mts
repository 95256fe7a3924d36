import { defineConfig } from 'vitepress'

export default defineConfig({
  title: 'Tram Timetable',
  description: 'Hong Kong Tramways timetable API',
  locales: {
    root: { label: 'English', lang: 'en-US' },
    'zh-HK': { label: '繁體中文', lang: 'zh-HK', link: '/zh-HK/' },
    'zh-CN': { label: '简体中文', lang: 'zh-CN', link: '/zh-CN/' },
  },
  themeConfig: { sidebar: [{ text: 'Guide', items: [{ text: 'Getting started', link: '/guide/getting-started' }] }] },
})
