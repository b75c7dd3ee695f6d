import { createI18n } from 'vue-i18n'
import zhCN from './zh-CN'
import enUS from './en-US'

export type Locale = 'zh-CN' | 'en-US'
export const kLocaleKey = 'zt.locale'
export const locales: { value: Locale; label: string }[] = [
  { value: 'zh-CN', label: '简体中文' },
  { value: 'en-US', label: 'English' },
]

function initial(): Locale {
  const saved = localStorage.getItem(kLocaleKey)
  return saved === 'en-US' ? 'en-US' : 'zh-CN'
}

export const i18n = createI18n<[typeof zhCN], Locale>({
  legacy: false,
  locale: initial(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, 'en-US': enUS },
})
document.documentElement.lang = initial()
