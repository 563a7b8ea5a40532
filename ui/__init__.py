"""The PySide6 desktop application. The only package that imports Qt.

Start-up: :func:`ui.app.run_desktop_app` (``mssante-companion`` without arguments).

Map (one idea per module; the main window only assembles):

- :mod:`ui.backend`: the Protocols the windows use (``CardSignIn``, ``MailService``,
  ``DirectoryService``, ``TrustService``, ``XdmService``, ``ProfileSetup``) and the plain
  records they exchange. :mod:`ui.live` and :mod:`ui.live_mail` implement them over
  ``cps`` and ``client``; tests use ``tests/helpers/fake_desktop.py``.
- Infrastructure: :mod:`ui.workers` (blocking calls off the GUI thread, typed signals),
  :mod:`ui.card_watch` (card events as signals), :mod:`ui.pin_dialog` (``cps``
  ``PinPrompt`` with a dialog: signal + ``threading.Event``), :mod:`ui.wording` (errors in
  words), :mod:`ui.i18n` (French sources, Qt Linguist catalogs), :mod:`ui.preferences`,
  :mod:`ui.palette` (light/dark), :mod:`ui.icons`, :mod:`ui.responsiveness`.
- Session: :mod:`ui.session` (sign-in, lock on card removal, resume), :mod:`ui.lock_screen`.
- Mail: :mod:`ui.main_window`, :mod:`ui.mail_view`, :mod:`ui.folder_tree`,
  :mod:`ui.message_model` (over :mod:`ui.cached_rows`), :mod:`ui.reading_pane`,
  :mod:`ui.outbox_view`, :mod:`ui.tray`.
- Writing: :mod:`ui.compose`, :mod:`ui.recipients`, :mod:`ui.attachments`,
  :mod:`ui.structured_dialog`.
- Other windows: :mod:`ui.directory_window`, :mod:`ui.settings_dialog`, :mod:`ui.first_run`.
"""
