import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { router } from './router'
import { i18n } from './i18n'
import './styles.css'

const app = createApp(App)
app.use(createPinia())
app.use(i18n)
app.use(router)
// A render error shows a message, never a blank page.
app.config.errorHandler = (err) => {
  console.warn(err)
  ElMessage.error(err instanceof Error ? err.message : String(err))
}
app.mount('#app')
