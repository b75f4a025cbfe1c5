"""Assets: content-addressed files, URL assets by reference, batch uploads, the /assets file route."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
from sqlalchemy import text

from tests.utils.stores import engine_of


def test_file_upload_is_content_addressed(api: httpx.Client, live_server: Any) -> None:
    data = b"\x89PNG\r\n\x1a\n" + b"pixels" * 100
    first = api.post("/asset/file", files={"file": ("cat.png", data, "image/png")})
    again = api.post("/asset/file", files={"file": ("cat.png", data, "image/png")})
    renamed = api.post("/asset/file", files={"file": ("other.png", data, "image/png")})
    assert first.status_code == 200
    body = first.json()
    assert body == {
        "fileName": body["fileName"],
        "warnings": [],
        "wasCompressed": False,
        "originalSizeBytes": len(data),
        "finalSizeBytes": len(data),
    }
    sha = hashlib.sha256(data).hexdigest()
    assert body["fileName"] == f"{sha[:32]}_cat.png"
    assert again.json()["fileName"] == body["fileName"]
    assert renamed.json()["fileName"] == f"{sha[:32]}_other.png"
    # one copy of the bytes for both names, in the database
    with engine_of(live_server).connect() as db:
        chunks = db.execute(text("SELECT count(*) FROM asset_chunk WHERE sha256 = :s"), {"s": sha}).scalar()
    assert chunks == 1
    served = httpx.get(f"{live_server.url}/assets/{body['fileName']}")
    assert served.status_code == 200
    assert served.content == data
    assert served.headers["content-type"] == "image/png"


def test_url_asset_is_kept_by_reference(api: httpx.Client, live_server: Any) -> None:
    url = "https://assets.rapidata.ai/some/dir/flower%20one.jpg"
    response = api.post("/asset/url", params={"url": url})
    assert response.status_code == 200
    name = response.json()["fileName"]
    assert name.endswith("_flower_one.jpg")
    served = httpx.get(
        f"{live_server.url}/assets/{name}", headers={"sec-fetch-dest": "image"}, follow_redirects=False
    )
    assert served.status_code == 302
    assert served.headers["location"] == url


def test_bad_uploads_are_rejected(api: httpx.Client) -> None:
    not_url = api.post("/asset/url", params={"url": "file:///etc/passwd"})
    assert not_url.status_code == 400
    assert "url" in not_url.json()["message"]
    empty = api.post("/asset/file", files={"file": ("x.png", b"", "image/png")})
    assert empty.status_code == 400
    missing_field = api.post("/asset/file", files={"other": ("x.png", b"abc", "image/png")})
    assert missing_field.status_code == 422
    assert "file" in missing_field.json()["message"]


def test_asset_route_has_no_path_traversal(live_server: Any) -> None:
    for name in ("..%2F..%2Fetc%2Fpasswd", "..", "rapidata.db", "%2e%2e%2frapidata.db"):
        response = httpx.get(f"{live_server.url}/assets/{name}")
        assert response.status_code == 404, name
        assert "root:" not in response.text


def test_batch_upload_flow(api: httpx.Client) -> None:
    urls = [f"https://example.org/img/{i}.png" for i in range(3)] + ["not a url"]
    first = api.post("/asset/batch-upload", json={"urls": urls[:2], "correlationId": "corr-1"})
    second = api.post("/asset/batch-upload", json={"urls": urls[2:], "correlationId": "corr-1"})
    assert first.status_code == second.status_code == 200
    batch_ids = [first.json()["batchUploadId"], second.json()["batchUploadId"]]
    status = api.get("/asset/batch-upload/status", params={"correlationId": "corr-1"}).json()
    assert status == {
        "status": "Completed",
        "totalCount": 4,
        "completedCount": 3,
        "failedCount": 1,
        "completedBatches": batch_ids,
    }
    items = api.get(f"/asset/batch-upload/{batch_ids[1]}").json()["items"]
    assert [i["url"] for i in items] == urls[2:]
    assert items[0]["status"] == "Completed" and items[0]["fileName"].endswith("_2.png")
    assert items[1]["status"] == "Failed" and items[1]["fileName"] is None and items[1]["errorMessage"]


def test_batch_upload_errors(api: httpx.Client) -> None:
    assert api.get("/asset/batch-upload/status", params={"correlationId": "nope"}).status_code == 404
    assert api.get("/asset/batch-upload/bu_nope").status_code == 404
    empty = api.post("/asset/batch-upload", json={"urls": []})
    assert empty.status_code == 422
    assert "urls" in empty.json()["message"]


def test_a_large_file_is_served_whole_and_by_byte_range(api: httpx.Client, live_server: Any) -> None:
    data = bytes(range(256)) * 10_000  # 2.56 MB: three chunks of 1 MiB
    name = api.post("/asset/file", files={"file": ("clip.mp4", data, "video/mp4")}).json()["fileName"]
    url = f"{live_server.url}/assets/{name}"
    whole = httpx.get(url)
    assert whole.status_code == 200
    assert whole.content == data
    assert whole.headers["accept-ranges"] == "bytes"
    across = httpx.get(url, headers={"Range": "bytes=1048570-1048585"})  # spans the first chunk boundary
    assert across.status_code == 206
    assert across.headers["content-range"] == f"bytes 1048570-1048585/{len(data)}"
    assert across.content == data[1048570:1048586]
    tail = httpx.get(url, headers={"Range": "bytes=-10"})
    assert (tail.status_code, tail.content) == (206, data[-10:])
    several = httpx.get(url, headers={"Range": "bytes=0-1,5-6"})  # several ranges: the whole file
    assert (several.status_code, several.content) == (200, data)


def test_files_a_previous_server_kept_on_disk_move_into_the_database(live_server_factory: Any) -> None:
    server = live_server_factory(crowd=False)
    data = b"\x89PNG\r\n\x1a\n" + b"old pixels" * 50
    with server.client() as api:
        name = api.post("/asset/file", files={"file": ("old.png", data, "image/png")}).json()["fileName"]
    sha = hashlib.sha256(data).hexdigest()
    server.stop()
    with engine_of(server).begin() as db:  # as a server before asset chunks left it: bytes on disk only
        db.execute(text("DELETE FROM asset_chunk WHERE sha256 = :s"), {"s": sha})
    legacy = server.data_dir / "assets" / sha
    legacy.parent.mkdir(exist_ok=True)
    legacy.write_bytes(data)
    server.start()
    assert httpx.get(f"{server.url}/assets/{name}").content == data
    assert not legacy.exists()


def test_an_example_shows_its_stored_file_as_the_official_sdk_reads_it(api: httpx.Client) -> None:
    from rapidata.api_client.models.file_asset_model import FileAssetModel

    url = "https://img.test/examples/cat.png"
    name = api.post("/asset/url", params={"url": url}).json()["fileName"]
    other = api.post("/asset/url", params={"url": "https://img.test/examples/dog.png"}).json()["fileName"]
    audience = api.post("/audience", json={"name": "stored assets"}).json()["audienceId"]
    pair = {
        "_t": "MultiAssetInput",
        "assets": [{"_t": "ExistingAssetInput", "name": n} for n in (name, other)],
    }
    example = {
        "asset": pair,
        "payload": {"_t": "CompareExamplePayload", "criteria": "Which is cuter?"},
        "truth": {"_t": "CompareExampleTruth", "winnerId": name},
        "randomCorrectProbability": 0.5,
    }
    api.post(f"/audience/{audience}/example", json=example).raise_for_status()
    shown = api.get(f"/audience/{audience}/examples").json()["items"][0]["asset"]
    first = shown["assets"][0]
    assert first == {
        "_t": "FileAsset",
        "fileName": name,
        "metadata": {
            "sourceUrl": {"_t": "SourceUrlMetadataModel", "url": url},
            "originalFilename": {"_t": "OriginalFilenameMetadata", "originalFilename": "cat.png"},
        },
        "identifier": name,
    }
    assert shown["identifier"] == f"{name},{other}"
    parsed = FileAssetModel.from_dict(first)
    assert parsed is not None and parsed.file_name == name


def test_every_route_shows_one_stored_file_the_same_way(api: httpx.Client) -> None:
    """Examples, validation rapids and benchmark samples (the programs side) show a stored file as one
    ``FileAsset``: the builders once tagged the same file differently."""
    url = "https://img.test/seam/owl.png"
    name = api.post("/asset/url", params={"url": url}).json()["fileName"]
    other = api.post("/asset/url", params={"url": "https://img.test/seam/fox.png"}).json()["fileName"]
    pair = {
        "_t": "MultiAssetInput",
        "assets": [{"_t": "ExistingAssetInput", "name": n} for n in (name, other)],
    }
    audience = api.post("/audience", json={"name": "seam"}).json()["audienceId"]
    example = {
        "asset": pair,
        "payload": {"_t": "CompareExamplePayload", "criteria": "Which is cuter?"},
        "truth": {"_t": "CompareExampleTruth", "winnerId": name},
        "randomCorrectProbability": 0.5,
    }
    api.post(f"/audience/{audience}/example", json=example).raise_for_status()
    from_example = api.get(f"/audience/{audience}/examples").json()["items"][0]["asset"]["assets"][0]

    set_id = api.post("/validation-set", json={"name": "seam"}).json()["validationSetId"]
    rapid = {
        "asset": pair,
        "payload": {"_t": "ComparePayload", "criteria": "Which is cuter?"},
        "truth": {"_t": "CompareTruth", "winnerId": name},
    }
    api.post(f"/validation-set/{set_id}/rapid", json=rapid).raise_for_status()
    from_rapid = api.get(f"/validation-set/{set_id}/rapids").json()["items"][0]["asset"]["assets"][0]

    benchmark = api.post("/benchmark", json={"name": "seam"}).json()["id"]
    prompt = {"identifier": "p", "segments": [{"key": "prompt", "kind": "Text", "text": "p"}], "tags": []}
    api.post(f"/benchmark/{benchmark}/prompt", json=prompt).raise_for_status()
    pid = api.post(f"/benchmark/{benchmark}/participants", json={"name": "seam"}).json()["participantId"]
    sample = {"identifier": "p", "asset": {"_t": "ExistingAssetInput", "name": name}}
    api.post(f"/participant/{pid}/sample", json=sample).raise_for_status()
    from_sample = api.get(f"/participant/{pid}/samples").json()["items"][0]["asset"]

    expected = {
        "_t": "FileAsset",
        "fileName": name,
        "metadata": {
            "sourceUrl": {"_t": "SourceUrlMetadataModel", "url": url},
            "originalFilename": {"_t": "OriginalFilenameMetadata", "originalFilename": "owl.png"},
        },
        "identifier": name,
    }
    assert from_example == expected
    assert from_rapid == expected
    assert from_sample == expected
