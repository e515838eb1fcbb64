-- Agents who had a call before transferring it (attributes.handledBy): their recent calls and wrap-ups
-- find it without a scan of every interaction.
CREATE INDEX IF NOT EXISTS interactions_handled_by ON interactions USING gin ((attributes -> 'handledBy'));
