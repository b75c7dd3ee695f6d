// Department names by id (every signed-in user may list departments), loaded once per session.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api } from '@/api/client'
import type { Department, Page } from '@/api/types'

export const useDepartments = defineStore('departments', () => {
  const list = ref<Department[]>([])
  let loading: Promise<void> | null = null

  function load(force = false) {
    if (loading && !force) return loading
    loading = (async () => {
      const all: Department[] = []
      let cursor: string | number | null = null
      do {
        const page: Page<Department> = await api.get<Page<Department>>('/api/v1/departments', { limit: 200, cursor })
        all.push(...page.items)
        cursor = page.next_cursor
      } while (cursor)
      list.value = all
    })().catch(() => {
      loading = null
    })
    return loading
  }
  function name(id: number | null | undefined) {
    if (id === null || id === undefined) return '—'
    return list.value.find((d) => d.id === id)?.name ?? `#${id}`
  }
  return { list, load, name }
})
