"""List pagination as the API does it: limit, order, after, before, has_more, first_id, last_id."""

from __future__ import annotations

import httpx
import openai

from harness.server import RunningServer


def test_auto_paging_iterates_every_item(client: openai.OpenAI) -> None:
    created = [client.beta.assistants.create(model="gpt-4o", name=f"a{i}").id for i in range(7)]
    assert [a.id for a in client.beta.assistants.list(limit=2)] == list(reversed(created))
    assert [a.id for a in client.beta.assistants.list(limit=3, order="asc")] == created


def test_cursors_and_page_fields(server: RunningServer, client: openai.OpenAI) -> None:
    created = [client.beta.assistants.create(model="gpt-4o").id for _ in range(5)]
    url = server.base_url + "/assistants"
    first = httpx.get(url, params={"limit": 2}).json()
    assert [a["id"] for a in first["data"]] == [created[4], created[3]]
    assert (first["first_id"], first["last_id"], first["has_more"]) == (created[4], created[3], True)
    after = httpx.get(url, params={"limit": 2, "after": created[3]}).json()
    assert [a["id"] for a in after["data"]] == [created[2], created[1]] and after["has_more"] is True
    last = httpx.get(url, params={"limit": 2, "after": created[1]}).json()
    assert [a["id"] for a in last["data"]] == [created[0]] and last["has_more"] is False
    before = httpx.get(url, params={"limit": 2, "before": created[1]}).json()
    assert [a["id"] for a in before["data"]] == [created[3], created[2]] and before["has_more"] is True
    asc_before = httpx.get(url, params={"order": "asc", "before": created[2]}).json()
    assert [a["id"] for a in asc_before["data"]] == created[:2] and asc_before["has_more"] is False
    assert httpx.get(url).json()["data"][0]["id"] == created[4]


def test_empty_list(client: openai.OpenAI, server: RunningServer) -> None:
    body = httpx.get(server.base_url + "/vector_stores").json()
    assert body == {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}


def test_vector_store_files_and_batches(client: openai.OpenAI) -> None:
    files = [client.files.create(file=(f"f{i}.txt", b"text %d" % i), purpose="assistants") for i in range(3)]
    store = client.vector_stores.create(name="s")
    batch = client.vector_stores.file_batches.create(store.id, file_ids=[f.id for f in files])
    assert (
        batch.id.startswith("vsfb_") and batch.status == "in_progress" and batch.file_counts.in_progress == 3
    )
    done = client.vector_stores.file_batches.retrieve(batch.id, vector_store_id=store.id)
    assert done.status == "completed" and done.file_counts.completed == 3
    listed = [
        f.id
        for f in client.vector_stores.file_batches.list_files(batch.id, vector_store_id=store.id, limit=2)
    ]
    assert listed == [f.id for f in reversed(files)]
    removed = client.vector_stores.files.delete(files[0].id, vector_store_id=store.id)
    assert removed.deleted is True
    assert client.vector_stores.retrieve(store.id).file_counts.total == 2
    assert [f.id for f in client.files.list(purpose="assistants")] == [f.id for f in reversed(files)]
    assert client.files.delete(files[1].id).deleted is True
    assert client.vector_stores.delete(store.id).deleted is True
