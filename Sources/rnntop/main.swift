OpenBLASCore.selectBestCore()
RNNTop.runAndExit()
