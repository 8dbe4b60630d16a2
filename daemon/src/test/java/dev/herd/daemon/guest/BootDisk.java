package dev.herd.daemon.guest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tiny bootable raw disk for QEMU tests: a hand-assembled 16-bit x86 boot sector that writes a marker to COM1
 * (I/O port 0x3F8) and then halts forever, powers the machine off through ACPI a second or two later, or powers it off
 * when the ACPI power button is pressed. No guest OS needed.
 */
final class BootDisk {
    static final String MARKER = "HERD-BOOT-OK";
    /**
     * SeaBIOS refuses ("could not read the boot disk") a disk smaller than one cylinder of its guessed geometry
     * (16 heads x 63 sectors x 512 bytes = 516,096 bytes; tried: 256 KiB fails, 504 KiB boots), so pad to 1 MiB.
     */
    static final int IMAGE_BYTES = 1 << 20;
    private static final int LOAD_ADDRESS = 0x7C00;
    private static final int SECTOR_BYTES = 512;

    /** What the guest does after writing the marker (and a halt loop after that, in case the power-off is ignored). */
    enum Then { HALT, POWER_OFF, POWER_OFF_ON_BUTTON }

    private BootDisk() {
    }

    static Path write(Path file, Then then) throws IOException {
        Files.write(file, image(then));
        return file;
    }

    static byte[] image(Then then) {
        ByteArrayOutputStream code = new ByteArrayOutputStream();
        emit(code, 0xFA);                   // cli                 no interrupts: nothing may wake the hlt below
        emit(code, 0xFC);                   // cld                 lodsb counts upwards
        emit(code, 0x31, 0xC0);             // xor ax, ax
        emit(code, 0x8E, 0xD8);             // mov ds, ax          the BIOS does not promise DS = 0
        int movSi = code.size();
        emit(code, 0xBE, 0x00, 0x00);       // mov si, message     (address patched below)
        emit(code, 0xBA, 0xF8, 0x03);       // mov dx, 0x3F8       COM1's data register
        int loop = code.size();
        emit(code, 0xAC);                   // loop: lodsb         al = [ds:si++]
        emit(code, 0x84, 0xC0);             // test al, al
        emit(code, 0x74, 0x03);             // jz after_loop       the message ends with a NUL
        emit(code, 0xEE);                   // out dx, al          QEMU's UART needs no setup to transmit
        emit(code, 0xEB, (loop - (code.size() + 2)) & 0xFF); // jmp loop
        switch (then) {
            case HALT -> { }
            case POWER_OFF -> {
                awaitTwoRtcSeconds(code);
                powerOff(code);
            }
            case POWER_OFF_ON_BUTTON -> {
                awaitPowerButton(code);
                powerOff(code);
            }
        }
        int halt = code.size();
        emit(code, 0xF4);                   // halt: hlt
        emit(code, 0xEB, (halt - (code.size() + 2)) & 0xFF); // jmp halt   (an NMI or SMI could end a hlt)
        int message = LOAD_ADDRESS + code.size();
        code.writeBytes((MARKER + "\r\n\0").getBytes(StandardCharsets.US_ASCII));
        byte[] sector = code.toByteArray();
        if (sector.length > SECTOR_BYTES - 2) {
            throw new IllegalStateException("boot sector code is " + sector.length + " bytes, more than 510");
        }
        byte[] image = new byte[IMAGE_BYTES];
        System.arraycopy(sector, 0, image, 0, sector.length);
        image[movSi + 1] = (byte) message;
        image[movSi + 2] = (byte) (message >> 8);
        image[SECTOR_BYTES - 2] = 0x55;     // the boot signature the BIOS looks for
        image[SECTOR_BYTES - 1] = (byte) 0xAA;
        return image;
    }

    /** Two ticks of the RTC's seconds: 1-2 s of wall time under KVM or TCG alike, so QEMU says "running" first. */
    private static void awaitTwoRtcSeconds(ByteArrayOutputStream code) {
        emit(code, 0xB0, 0x00);             // mov al, 0           CMOS register 0: seconds
        emit(code, 0xE6, 0x70);             // out 0x70, al
        emit(code, 0xE4, 0x71);             // in al, 0x71
        emit(code, 0x88, 0xC3);             // mov bl, al
        for (int tick = 0; tick < 2; tick++) {
            int poll = code.size();
            emit(code, 0xB0, 0x00);         // poll: mov al, 0
            emit(code, 0xE6, 0x70);         // out 0x70, al
            emit(code, 0xE4, 0x71);         // in al, 0x71
            emit(code, 0x38, 0xD8);         // cmp al, bl
            emit(code, 0x74, (poll - (code.size() + 2)) & 0xFF); // je poll   (same second)
            emit(code, 0x88, 0xC3);         // mov bl, al
        }
    }

    /**
     * Enables the power button event (PWRBTN_EN, bit 8 of PM1a enable at port 0x602; q35's ICH9 PM base is 0x600 as
     * SeaBIOS programs it) and polls PWRBTN_STS (bit 8 of PM1a status, port 0x600), which QEMU sets on QMP
     * system_powerdown only when the event is enabled: a guest that honours the ACPI power button, without an OS.
     */
    private static void awaitPowerButton(ByteArrayOutputStream code) {
        emit(code, 0xBA, 0x02, 0x06);       // mov dx, 0x602
        emit(code, 0xB8, 0x00, 0x01);       // mov ax, 0x0100      PWRBTN_EN
        emit(code, 0xEF);                   // out dx, ax
        emit(code, 0xBA, 0x00, 0x06);       // mov dx, 0x600
        int poll = code.size();
        emit(code, 0xED);                   // poll: in ax, dx
        emit(code, 0xA9, 0x00, 0x01);       // test ax, 0x0100
        emit(code, 0x74, (poll - (code.size() + 2)) & 0xFF); // jz poll
    }

    /** PM1a control (port 0x604): SLP_EN with SLP_TYP 0, which QEMU's DSDT names \_S5, is soft-off. */
    private static void powerOff(ByteArrayOutputStream code) {
        emit(code, 0xBA, 0x04, 0x06);       // mov dx, 0x604
        emit(code, 0xB8, 0x00, 0x20);       // mov ax, 0x2000      SLP_EN (bit 13)
        emit(code, 0xEF);                   // out dx, ax
    }

    private static void emit(ByteArrayOutputStream out, int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
    }
}
