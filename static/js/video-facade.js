/* Privacy-friendly YouTube/Vimeo playback.
 *
 * The server renders, for each [data-video-facade], our own thumbnail and a link to the video on
 * its hosting site (what visitors without JavaScript use). Here the link becomes a real button;
 * only when it is pressed do we create the provider's iframe (youtube-nocookie.com, or Vimeo
 * with dnt=1). Until then nothing is requested from the provider.
 */
(function () {
    'use strict';

    function play(facade) {
        var iframe = document.createElement('iframe');
        iframe.className = 'video-facade__frame';
        iframe.src = facade.getAttribute('data-embed-src');
        iframe.title = facade.getAttribute('data-embed-title');
        iframe.allow =
            'autoplay; encrypted-media; fullscreen; picture-in-picture';
        iframe.allowFullscreen = true;
        iframe.referrerPolicy = 'strict-origin-when-cross-origin';
        facade.replaceChildren(iframe);
        facade.classList.add('video-facade--playing');
        iframe.focus();
    }

    function enhance(facade) {
        var link = facade.querySelector('.video-facade__play');
        if (!link || !facade.getAttribute('data-embed-src')) {
            return;
        }
        var button = document.createElement('button');
        button.type = 'button';
        button.className = link.className;
        while (link.firstChild) {
            button.appendChild(link.firstChild);
        }
        link.replaceWith(button);
        button.addEventListener('click', function () {
            play(facade);
        });
    }

    document.querySelectorAll('[data-video-facade]').forEach(enhance);
})();
