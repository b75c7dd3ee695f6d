// The interface language: zh-CN by default, en-US as the second; remembered in localStorage.
import { defineStore } from 'pinia'
import { ref, type Ref } from 'vue'
import { i18n, kLocaleKey, type Locale } from '@/i18n'

// The composition-API i18n instance keeps its locale in a ref.
const current = i18n.global.locale as unknown as Ref<Locale>

export const useLocale = defineStore('locale', () => {
  const locale = ref<Locale>(current.value)
  function set(l: Locale) {
    locale.value = l
    current.value = l
    localStorage.setItem(kLocaleKey, l)
    document.documentElement.lang = l
  }
  return { locale, set }
})
