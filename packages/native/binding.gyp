{
  "targets": [
    {
      "target_name": "ftpkit_native",
      "sources": ["src/native.c", "src/listing.c", "src/transfer.c", "src/lookup.c"],
      "cflags": ["-std=c11", "-O2", "-Wall", "-Wextra", "-fvisibility=hidden"],
      "defines": ["_GNU_SOURCE"],
      "xcode_settings": { "OTHER_CFLAGS": ["-std=c11", "-O2", "-Wall", "-Wextra"] }
    }
  ]
}
