"""The "Video & Multimedia" gallery and the department's three videos from the seed text.

The uploaded video is a committed 8-second sample (media_library/seed_files/, 27 KB, made once
with ffmpeg: `ffmpeg -f lavfi -i color=c=0x0b2545:s=480x270:d=8:r=24 -vf drawtext=… -c:v libx264
-crf 30 -movflags +faststart -an sample-video.mp4`) with WebVTT captions, so playback with
captions works offline. The YouTube and Vimeo addresses are placeholders: replace them with the
real videos in the admin.
"""

from datetime import date, timedelta
from pathlib import Path

from django.core.files import File
from wagtail.documents import get_document_model
from wagtailmedia import get_media_model

from bostonems_site.seed import (
    SAMPLE_NOTE,
    SAMPLE_TRANSLATION_NOTE,
    ensure_child,
    ensure_section,
    sample_image,
    translate_section,
)
from divisions.models import DivisionPage
from media_library.models import VideoGalleryPage, VideoPage

SEED_FILES = Path(__file__).resolve().parent / "seed_files"
SAMPLE_VIDEO_TITLE = "Sample video: Boston EMS (8 seconds)"
SAMPLE_CAPTIONS_TITLE = "Sample captions: Boston EMS (8 seconds)"

GALLERY_INTRO = (
    "<p>Videos from Boston EMS: our crews, our divisions and our work with the community. "
    "Every video has captions or a transcript.</p>"
)

SAMPLE_VIDEO_TRANSCRIPT = (
    f"<p><b>{SAMPLE_NOTE}</b></p>"
    "<p>[The sample video has no sound. On screen, white text on a dark blue background.]</p>"
    "<p>Boston EMS. Sample video for the website.</p>"
)


def sample_transcript(title, source):
    return (
        f"<p><b>{SAMPLE_NOTE}</b></p>"
        f"<p>This is sample text standing in for the transcript of “{title}”. {source} "
        "Paste the full transcript here: everything said in the video, who says it, and "
        "important sounds or on-screen text.</p>"
    )


# (slug, title, description, publication date, duration, source, related division slugs)
VIDEOS = [
    (
        "schools-honored-for-life-saving-equipment",
        "Schools Honored for Life Saving Equipment",
        "The American Heart Association and Boston EMS honor Boston Public Schools for the "
        "achievement of installing AEDs in every public school in Boston.",
        date(2010, 3, 15),
        {"upload": True},
        ["community-initiatives", "office-of-the-medical-director"],
    ),
    (
        "ribbon-cutting-for-new-ems-station",
        "Ribbon Cutting for New EMS Station",
        "Mayor Menino joins Tufts Medical Center President Ellen Zane and EMS Chief James "
        "Hooley to kick-off the grand opening of the new EMS ambulance station in Chinatown.",
        date(2009, 12, 10),
        {"hosted_url": "https://www.youtube.com/watch?v=bEMSsample1", "minutes": 2.17},
        ["field-operations", "fleet-services"],
    ),
    (
        "cdc-preps-for-h1n1-vaccine",
        "CDC Preps for H1N1 Vaccine",
        "Boston EMS featured in CBS News coverage of H1N1 preparations by the Center for "
        "Disease Control.",
        date(2009, 10, 20),
        {"hosted_url": "https://vimeo.com/100000001", "minutes": 1.75},
        ["emergency-preparedness", "office-of-the-medical-director"],
    ),
]


def _library_file(model, title, filename, **fields):
    existing = model.objects.filter(title=title).first()
    if existing is not None:
        return existing
    with open(SEED_FILES / filename, "rb") as handle:
        return model.objects.create(title=title, file=File(handle, name=filename), **fields)


def sample_video():
    return _library_file(
        get_media_model(),
        SAMPLE_VIDEO_TITLE,
        "sample-video.mp4",
        type="video",
        duration=8,
        width=480,
        height=270,
    )


def sample_captions():
    return _library_file(get_document_model(), SAMPLE_CAPTIONS_TITLE, "sample-video.en.vtt")


def load(home, stdout):
    gallery = ensure_section(
        home,
        VideoGalleryPage,
        "videos",
        "Video & Multimedia gallery",
        stdout,
        title="Video & Multimedia",
        intro=GALLERY_INTRO,
        search_description="Videos from Boston EMS, with captions and transcripts.",
    )
    divisions = {page.slug: page for page in DivisionPage.objects.all()}
    for slug, title, summary, published, source, division_slugs in VIDEOS:
        if gallery.get_children().filter(slug=slug).exists():
            continue
        fields = {}
        if source.get("upload"):
            fields.update(
                video_file=sample_video(),
                captions=sample_captions(),
                transcript=SAMPLE_VIDEO_TRANSCRIPT,
            )
        else:
            fields.update(
                hosted_url=source["hosted_url"],
                hosted_duration=timedelta(seconds=round(source["minutes"] * 60)),
                transcript=sample_transcript(
                    title, "The video address is a placeholder too: replace it in the admin."
                ),
            )
        ensure_child(
            gallery,
            VideoPage,
            slug,
            title=title,
            summary=summary,
            publication_date=published,
            thumbnail=sample_image(
                f"Sample thumbnail: {title}",
                f"Placeholder image for the video {title}",
                size=(1280, 720),
            ),
            related_divisions=[divisions[s] for s in division_slugs if s in divisions],
            **fields,
        )
        stdout.write(f"Created video: {title}")


# The sample Spanish gallery: the section name in menus and the home page's video box. The
# videos stay English (marked so) until translated.
SPANISH_GALLERY = {
    "title": "Video y multimedia",
    "intro": "<p>Videos de Boston EMS: nuestras tripulaciones, nuestras divisiones y nuestro "
    "trabajo con la comunidad. Todos los videos tienen subtítulos o una transcripción.</p>"
    f"<p><em>{SAMPLE_TRANSLATION_NOTE}</em></p>",
    "search_description": "Videos de Boston EMS, con subtítulos y transcripciones.",
    "hosted_video_notice": "Este video está alojado en otro sitio web. Para proteger su "
    "privacidad, no se carga nada de ese sitio hasta que pulse reproducir; el reproductor usa "
    "entonces su modo de privacidad mejorada.",
}


def load_translations(home, stdout):
    translate_section(VideoGalleryPage, home, SPANISH_GALLERY, stdout, "Video & Multimedia gallery")
