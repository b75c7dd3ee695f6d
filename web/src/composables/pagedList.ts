// A list paged on the server by cursor, as the API's list routes answer ({items, next_cursor}):
// load() fetches the first page, load(true) appends the next one.
import { ref, type Ref } from 'vue'
import { errorMessage } from '@/api/client'
import type { Page } from '@/api/types'

export function usePagedList<T>(fetch: (cursor: string | number | undefined) => Promise<Page<T>>) {
  const items = ref([]) as Ref<T[]>
  const cursor = ref<string | number | null>(null) // of the next page; null after the last
  const loading = ref(false)
  const error = ref('') // the last failure's readable message

  async function load(more = false) {
    loading.value = true
    error.value = ''
    try {
      const page = await fetch(more ? cursor.value ?? undefined : undefined)
      items.value = more ? [...items.value, ...page.items] : page.items
      cursor.value = page.next_cursor
    } catch (e) {
      error.value = errorMessage(e)
    } finally {
      loading.value = false
    }
  }
  return { items, cursor, loading, error, load }
}
