// Package ui is mgit's dashboard: a bubbletea v2 program over one
// workspace's repositories, local and upstream-only. The root model routes
// keys and engine events to components (ui/components/...), which own
// their state; keys live in ui/keys and styles in ui/styles.
//
// The engine is the single source of truth: every action is a Plan
// submitted to it, and rows change only from its events. Those arrive
// through one goroutine that reads Engine.Events into a queue and one
// re-armed tea.Cmd that hands the queue to Update in batches, so a slow
// frame never throttles the engine. The last known state is painted from
// engine/state at once and saved on exit.
package ui
