"""Design pages: workflows, the editor, ticket types, bundles."""
