//! Downloads: the original and the thumbnail, never rendered inline.

use reqwest::StatusCode;

use super::samples::{GPS_MARKER, contains, jpeg_with_gps, pdf, png};
use super::{Setup, VaultApp, on_both_setups};

async fn the_original_downloads_as_an_attachment_of_its_sniffed_type(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let token = vault.user().await;
    let bytes = pdf(5000, 8);
    // Declared as a JPEG by name: the bytes say PDF, and PDF is what is served.
    let document = vault
        .uploaded(&token, "Rechnung März.jpg", bytes.clone(), &[])
        .await;
    let path = format!("/v1/documents/{}/file", document["id"].as_str().unwrap());
    if vault.s3.is_some() {
        let redirect = vault.app.get(&path, Some(&token)).await;
        assert_eq!(redirect.status(), StatusCode::FOUND);
        let location = redirect.headers()["location"].to_str().unwrap().to_string();
        assert!(location.contains("X-Amz-Expires=300"), "{location}");
        assert!(
            location.contains("response-content-disposition=attachment"),
            "{location}"
        );
        assert!(
            location.contains("response-content-type=application%2Fpdf"),
            "{location}"
        );
    }
    let (status, headers, body) = vault.fetch(&path, &token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, bytes);
    assert_eq!(headers["content-type"], "application/pdf");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''Rechnung%20M%C3%A4rz.jpg"),
        "{disposition}"
    );
    if vault.s3.is_none() {
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["cache-control"], "private, no-store");
        assert_eq!(headers["content-length"], bytes.len().to_string().as_str());
    }
    let thumbnail = vault
        .app
        .get(&path.replace("/file", "/thumbnail"), Some(&token))
        .await;
    assert_eq!(
        thumbnail.status(),
        StatusCode::NOT_FOUND,
        "a PDF has no thumbnail"
    );
}

async fn thumbnails_carry_no_location_and_the_original_keeps_it(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let token = vault.user().await;
    let original = jpeg_with_gps(1200, 900);
    assert!(contains(&original, GPS_MARKER));
    let document = vault.uploaded(&token, "beach.jpg", original.clone(), &[]).await;
    let id = document["id"].as_str().unwrap();
    let ready = vault.settled(&token, id).await;
    assert_eq!(ready["status"], "ready", "{ready}");
    assert_eq!(
        (ready["width"].as_i64(), ready["height"].as_i64()),
        (Some(1200), Some(900))
    );

    let (status, headers, thumbnail) = vault
        .fetch(&format!("/v1/documents/{id}/thumbnail"), &token)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/jpeg");
    assert!(thumbnail.starts_with(&[0xFF, 0xD8, 0xFF]));
    assert!(!contains(&thumbnail, GPS_MARKER), "no location in the thumbnail");
    assert!(!contains(&thumbnail, b"Exif"), "no EXIF at all in the thumbnail");
    let decoded = image::load_from_memory(&thumbnail).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (512, 384));

    let (_, _, kept) = vault.fetch(&format!("/v1/documents/{id}/file"), &token).await;
    assert_eq!(kept, original, "the original stays byte for byte");
}

async fn a_small_image_is_never_enlarged_in_its_thumbnail(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let token = vault.user().await;
    let id = vault.uploaded(&token, "small.png", png(64, 48), &[]).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(vault.settled(&token, &id).await["status"], "ready");
    let (status, _, thumbnail) = vault
        .fetch(&format!("/v1/documents/{id}/thumbnail"), &token)
        .await;
    assert_eq!(status, StatusCode::OK);
    let decoded = image::load_from_memory(&thumbnail).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (64, 48));
}

on_both_setups!(
    a_small_image_is_never_enlarged_in_its_thumbnail,
    the_original_downloads_as_an_attachment_of_its_sniffed_type,
    thumbnails_carry_no_location_and_the_original_keeps_it,
);
