// The blog's posts, in memory: enough for an example; a real service would use its own database.
import { randomUUID } from 'node:crypto';

export interface Post {
  id: string;
  title: string;
  body: string;
  author_id: string;
  author_name: string;
  created_at: string;
  updated_at: string;
}

export interface PostDraft {
  title: string;
  body: string;
}

export function createPostStore(now: () => number = Date.now) {
  const posts = new Map<string, Post>();
  const stamp = () => new Date(now()).toISOString();
  return {
    list: (): Post[] => [...posts.values()],
    find: (id: string): Post | null => posts.get(id) ?? null,
    create(draft: PostDraft, author: { id: string; name: string }): Post {
      const post = { id: randomUUID(), ...draft, author_id: author.id, author_name: author.name, created_at: stamp(), updated_at: stamp() };
      posts.set(post.id, post);
      return post;
    },
    update(id: string, draft: PostDraft): Post {
      const post = { ...posts.get(id)!, ...draft, updated_at: stamp() };
      posts.set(id, post);
      return post;
    },
    delete: (id: string): void => void posts.delete(id),
  };
}

export type PostStore = ReturnType<typeof createPostStore>;
