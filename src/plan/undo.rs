//! Undo and redo over snapshots (the plan editor keeps whole plans: they are small).

/// Past and undone snapshots, newest last, at most `limit` of each.
#[derive(Debug, Clone)]
pub struct UndoHistory<T> {
    past: Vec<T>,
    future: Vec<T>,
    limit: usize,
}

impl<T> UndoHistory<T> {
    /// An empty history keeping at most `limit` steps.
    pub fn new(limit: usize) -> Self {
        UndoHistory { past: Vec::new(), future: Vec::new(), limit: limit.max(1) }
    }

    /// Records `before`, the state an edit replaced; anything undone is forgotten.
    pub fn record(&mut self, before: T) {
        self.future.clear();
        self.past.push(before);
        if self.past.len() > self.limit {
            self.past.remove(0);
        }
    }

    /// The state before the last edit, given the `current` one (kept for redo); `None` if nothing to undo.
    pub fn undo(&mut self, current: T) -> Option<T> {
        let previous = self.past.pop()?;
        self.future.push(current);
        Some(previous)
    }

    /// The state last undone, given the `current` one (kept for undo); `None` if nothing to redo.
    pub fn redo(&mut self, current: T) -> Option<T> {
        let next = self.future.pop()?;
        self.past.push(current);
        Some(next)
    }

    /// Steps that can be undone and redone.
    pub fn depth(&self) -> (usize, usize) {
        (self.past.len(), self.future.len())
    }

    /// Forgets everything (a new plan).
    pub fn clear(&mut self) {
        self.past.clear();
        self.future.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undo_and_redo_walk_the_edits_and_a_new_edit_drops_the_redo_branch() {
        let mut history = UndoHistory::new(10);
        assert_eq!(history.undo(0), None);
        history.record(0); // 0 -> 1
        history.record(1); // 1 -> 2
        assert_eq!(history.depth(), (2, 0));
        assert_eq!(history.undo(2), Some(1));
        assert_eq!(history.undo(1), Some(0));
        assert_eq!(history.undo(0), None);
        assert_eq!(history.redo(0), Some(1));
        assert_eq!(history.depth(), (1, 1));
        history.record(1); // 1 -> 5: the undone 2 is gone
        assert_eq!(history.redo(5), None);
        assert_eq!(history.undo(5), Some(1));
        history.clear();
        assert_eq!(history.depth(), (0, 0));
    }

    #[test]
    fn only_the_last_limit_steps_are_kept() {
        let mut history = UndoHistory::new(2);
        for n in 0..5 {
            history.record(n);
        }
        assert_eq!(history.undo(5), Some(4));
        assert_eq!(history.undo(4), Some(3));
        assert_eq!(history.undo(3), None);
    }
}
