;;; heapscope-eglot.el --- Heapscope in Emacs with eglot  -*- lexical-binding: t; -*-
;; Add to your init file. `heapscope' must be on PATH
;; (from a checkout: npm ci && npm run build && npm link). Then M-x eglot in a Go buffer.
;; Eglot runs one server per major mode: this makes Heapscope the Go server; keep gopls with a
;; multi-server client (lsp-mode) if you need both at once.
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((go-mode go-ts-mode) . ("heapscope" "lsp" "--stdio"
                                          ;; Settings are the VS Code ones without `heapscope.'.
                                          :initializationOptions (:analyzeOn "save")))))
