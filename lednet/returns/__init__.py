"""Return workbooks: the Excel templates sent to authorities and the reader for what comes back.

``layout`` holds the shape both sides share, ``template`` writes the workbooks, ``reader`` reads
returned ones by their anchor, and ``guidance`` writes the officers' guidance document.
"""
