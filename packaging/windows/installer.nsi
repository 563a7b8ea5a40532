; Compagnon MSSanté: Windows installer (NSIS 3, Unicode).
;
; Built by packaging/windows/build.ps1, which passes:
;   /DVERSION=0.1.0 /DVERSION4=0.1.0.0      from packaging/version.py (client/__init__.py)
;   /DBUNDLE_DIR=...\dist\mssante-companion  the PyInstaller one-folder bundle
;   /DICON=...\build\icons\mssante-companion.ico
;   /DOUT_FILE=...\dist\MSSanteCompanion-0.1.0-setup.exe
;
; Per-user by default: no administrator rights, installs in
; %LOCALAPPDATA%\Programs\Compagnon MSSante, registers under HKCU.
; Per-machine for IT: /AllUsers (from an elevated prompt or a deployment tool running as
; SYSTEM) installs in %ProgramFiles%\Compagnon MSSante and registers under HKLM.
; Silent: /S. Custom folder: /D=C:\Path (last argument, no quotes). See packaging/README.md.

Unicode true
ManifestDPIAware true
SetCompressor /SOLID lzma
RequestExecutionLevel user

!ifndef VERSION
  !error "pass /DVERSION=x.y.z (packaging/version.py)"
!endif
!ifndef VERSION4
  !error "pass /DVERSION4=x.y.z.w (packaging/version.py --windows)"
!endif
!ifndef BUNDLE_DIR
  !error "pass /DBUNDLE_DIR=path of the PyInstaller bundle"
!endif
!ifndef OUT_FILE
  !define OUT_FILE "MSSanteCompanion-${VERSION}-setup.exe"
!endif
!ifndef CRYPTOLIB_URL
  ; ANS's free download page of the Cryptolib CPS middleware for Windows.
  !define CRYPTOLIB_URL "https://esante.gouv.fr/services/espace-cps/telechargements-libres/cryptolib-cps-windows"
!endif

!define APP_NAME "Compagnon MSSanté"
!define APP_DIR "Compagnon MSSante"
!define APP_ID "mssante-companion"
!define APP_EXE "${APP_ID}-app.exe"
!define CLI_EXE "${APP_ID}.exe"
!define PUBLISHER "Compagnon MSSanté"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
!define CLIENT_KEY "Software\Clients\Mail\${APP_NAME}"
!define PROGID "MSSanteCompanion.Url.mailto"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"

Name "${APP_NAME}"
OutFile "${OUT_FILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_DIR}"
BrandingText "${APP_NAME} ${VERSION}"

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=1036 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=1036 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1036 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1036 "FileDescription" "Installation de ${APP_NAME}"
VIAddVersionKey /LANG=1036 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=1036 "LegalCopyright" "EUPL-1.2"

!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "French"
!insertmacro MUI_LANGUAGE "English"

LangString CryptolibMissing 1036 "Le logiciel Cryptolib CPS de l'Agence du Numérique en Santé n'est pas installé : il est nécessaire pour lire la carte CPS.$\r$\n$\r$\nOuvrir sa page de téléchargement ?"
LangString CryptolibMissing 1033 "ANS's Cryptolib CPS middleware is not installed: the CPS card cannot be read without it.$\r$\n$\r$\nOpen its download page?"
LangString NeedAdmin 1036 "L'installation pour tous les utilisateurs (/AllUsers) demande les droits d'administrateur : lancez-la depuis une invite de commandes administrateur."
LangString NeedAdmin 1033 "Installing for all users (/AllUsers) needs administrator rights: run it from an elevated command prompt."

Var AllUsers

; --- /AllUsers or /CurrentUser (default) ----------------------------------------------
!macro SELECT_MODE UN
Function ${UN}SelectMode
  StrCpy $AllUsers 0
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/AllUsers" $R1
  ${IfNot} ${Errors}
    StrCpy $AllUsers 1
  ${EndIf}
  ${If} $AllUsers == 1
    UserInfo::GetAccountType
    Pop $R2
    ${If} $R2 != "admin"
      IfSilent +2
        MessageBox MB_ICONSTOP "$(NeedAdmin)"
      SetErrorLevel 740 ; ERROR_ELEVATION_REQUIRED
      Quit
    ${EndIf}
    SetShellVarContext all
    ${If} ${RunningX64}
      StrCpy $R3 "$PROGRAMFILES64\${APP_DIR}"
    ${Else}
      StrCpy $R3 "$PROGRAMFILES\${APP_DIR}"
    ${EndIf}
  ${Else}
    SetShellVarContext current
    StrCpy $R3 "$LOCALAPPDATA\Programs\${APP_DIR}"
  ${EndIf}
  ; The app is 64-bit: its keys go in the 64-bit registry view (the installer is 32-bit).
  ${If} ${RunningX64}
    SetRegView 64
  ${EndIf}
FunctionEnd
!macroend
!insertmacro SELECT_MODE ""
!insertmacro SELECT_MODE "un."

Function .onInit
  ; $INSTDIR is /D= when given, else the per-user default. Compare before SelectMode: after
  ; SetShellVarContext all, $LOCALAPPDATA names ProgramData, not the user's folder.
  StrCpy $R8 "$LOCALAPPDATA\Programs\${APP_DIR}"
  Call SelectMode
  ${If} $INSTDIR == $R8
    StrCpy $INSTDIR $R3
  ${EndIf}
FunctionEnd

Function un.onInit
  Call un.SelectMode
FunctionEnd

; --- Cryptolib CPS check ---------------------------------------------------------------
; The PKCS#11 module lives in System32 (64-bit) or SysWOW64 (32-bit); a 32-bit installer
; sees SysWOW64 as System32 unless redirection is off.
Function CheckCryptolib
  ${If} ${RunningX64}
    ${DisableX64FSRedirection}
  ${EndIf}
  StrCpy $R4 0
  ${If} ${FileExists} "$WINDIR\System32\cps3_pkcs11_w64.dll"
    StrCpy $R4 1
  ${ElseIf} ${FileExists} "$WINDIR\SysWOW64\cps3_pkcs11_w32.dll"
    StrCpy $R4 1
  ${ElseIf} ${FileExists} "$WINDIR\System32\cps3_pkcs11_w32.dll"
    StrCpy $R4 1
  ${EndIf}
  ${If} ${RunningX64}
    ${EnableX64FSRedirection}
  ${EndIf}
  ${If} $R4 == 0
    DetailPrint "Cryptolib CPS not found: ${CRYPTOLIB_URL}"
    ; Silent installs (IT) deploy the middleware themselves: only log it.
    IfSilent done
    MessageBox MB_YESNO|MB_ICONINFORMATION "$(CryptolibMissing)" IDNO done
    ExecShell "open" "${CRYPTOLIB_URL}"
  ${EndIf}
  done:
FunctionEnd

Section "Install"
  SetOutPath "$INSTDIR"
  ; A previous version's libraries must not mix with this one's.
  RMDir /r "$INSTDIR\_internal"
  File /r "${BUNDLE_DIR}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortCut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0

  ; Add/Remove Programs (SHCTX: HKLM with /AllUsers, HKCU otherwise).
  ${If} $AllUsers == 1
    StrCpy $R5 '"$INSTDIR\uninstall.exe" /AllUsers'
  ${Else}
    StrCpy $R5 '"$INSTDIR\uninstall.exe"'
  ${EndIf}
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "UninstallString" "$R5"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "QuietUninstallString" "$R5 /S"
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "EstimatedSize" "$0"

  ; mailto: handler, the Default Programs way: a ProgID, the client's capabilities, and
  ; RegisteredApplications. Windows 10+ lets only the user pick the default (Settings >
  ; Default apps); IT sets it with a default-associations XML (see packaging/README.md).
  WriteRegStr SHCTX "Software\Classes\${PROGID}" "" "URL:MailTo Protocol"
  WriteRegStr SHCTX "Software\Classes\${PROGID}" "URL Protocol" ""
  WriteRegStr SHCTX "Software\Classes\${PROGID}\DefaultIcon" "" "$INSTDIR\${APP_EXE},0"
  WriteRegStr SHCTX "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\${APP_EXE}" "%1"'
  WriteRegStr SHCTX "${CLIENT_KEY}" "" "${APP_NAME}"
  WriteRegStr SHCTX "${CLIENT_KEY}\Capabilities" "ApplicationName" "${APP_NAME}"
  WriteRegStr SHCTX "${CLIENT_KEY}\Capabilities" "ApplicationDescription" "Messagerie sécurisée de santé MSSanté avec la carte CPS"
  WriteRegStr SHCTX "${CLIENT_KEY}\Capabilities" "ApplicationIcon" "$INSTDIR\${APP_EXE},0"
  WriteRegStr SHCTX "${CLIENT_KEY}\Capabilities\URLAssociations" "mailto" "${PROGID}"
  WriteRegStr SHCTX "${CLIENT_KEY}\shell\open\command" "" '"$INSTDIR\${APP_EXE}"'
  WriteRegStr SHCTX "Software\RegisteredApplications" "${APP_NAME}" "${CLIENT_KEY}\Capabilities"

  Call CheckCryptolib
SectionEnd

Section "Uninstall"
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  ; Only what the installer put there: a custom /D folder may hold other files.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  DeleteRegValue SHCTX "Software\RegisteredApplications" "${APP_NAME}"
  DeleteRegKey SHCTX "${CLIENT_KEY}"
  DeleteRegKey SHCTX "Software\Classes\${PROGID}"
  DeleteRegKey SHCTX "${UNINSTALL_KEY}"
  ; The user's own data (profiles, cache, keyring entries) stays: it is theirs.
SectionEnd
