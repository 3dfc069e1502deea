// SPDX-License-Identifier: GPL-2.0
#include "model/decode.hpp"

#include <cerrno>
#include <gtest/gtest.h>
#include <linux/mempolicy.h>

using namespace mpctl;

TEST(Decode, ErrnoNamesComeFromTheCLibrary) {
    EXPECT_EQ(errno_name(EINVAL), "EINVAL");
    EXPECT_EQ(errno_name(ENODEV), "ENODEV");
    EXPECT_EQ(errno_name(ESRCH), "ESRCH");
    EXPECT_EQ(errno_name(EACCES), "EACCES");
    EXPECT_EQ(errno_text(EINVAL), "Invalid argument");
}

TEST(Decode, UnknownErrnoIsNumbered) {
    EXPECT_EQ(errno_name(4000), "E4000");
    EXPECT_EQ(errno_name(0), "E0");
    EXPECT_EQ(errno_text(4000), "Unknown error 4000");
}

TEST(Decode, PageErrorClassesFollowTheUapiEnum) {
    EXPECT_EQ(page_err_name(MPMON_PERR_EACCES), "EACCES");
    EXPECT_EQ(page_err_name(MPMON_PERR_EBUSY), "EBUSY");
    EXPECT_EQ(page_err_name(MPMON_PERR_EFAULT), "EFAULT");
    EXPECT_EQ(page_err_name(MPMON_PERR_EIO), "EIO");
    EXPECT_EQ(page_err_name(MPMON_PERR_EINVAL), "EINVAL");
    EXPECT_EQ(page_err_name(MPMON_PERR_ENOENT), "ENOENT");
    EXPECT_EQ(page_err_name(MPMON_PERR_ENOMEM), "ENOMEM");
    EXPECT_EQ(page_err_name(MPMON_PERR_OTHER), "other");
    EXPECT_EQ(page_err_errno(MPMON_PERR_NR), 0);
}

TEST(Decode, Flags) {
    EXPECT_EQ(flags_name(0), "0");
    EXPECT_EQ(flags_name(MPOL_MF_MOVE), "MPOL_MF_MOVE");
    EXPECT_EQ(flags_name(MPOL_MF_MOVE_ALL), "MPOL_MF_MOVE_ALL");
    EXPECT_EQ(flags_name(MPOL_MF_MOVE | MPOL_MF_MOVE_ALL), "MPOL_MF_MOVE|MPOL_MF_MOVE_ALL");
    EXPECT_EQ(flags_name(MPOL_MF_MOVE | 0x100), "MPOL_MF_MOVE|0x100");
    EXPECT_EQ(flags_name(1), "0x1");
}

TEST(Decode, StatusModeArch) {
    EXPECT_EQ(status_key(0), "node0");
    EXPECT_EQ(status_key(3), "node3");
    EXPECT_EQ(status_key(-EFAULT), "EFAULT");
    EXPECT_EQ(mode_name(MPMON_MODE_MOVE), "move");
    EXPECT_EQ(mode_name(MPMON_MODE_QUERY), "query");
    EXPECT_EQ(mode_name(7), "mode7");
    EXPECT_EQ(arch_name(MPMON_ARCH_PPC64LE), "ppc64le");
    EXPECT_EQ(arch_name(MPMON_ARCH_PPC64), "ppc64");
    EXPECT_EQ(arch_name(MPMON_ARCH_X86_64), "x86_64");
    EXPECT_EQ(arch_name(99), "unknown(99)");
    EXPECT_EQ(status_source_name(MPMON_STATUS_STORE_PROBE), "store_status probe");
    EXPECT_EQ(status_source_name(MPMON_STATUS_READBACK), "readback");
}

TEST(Decode, MmuPlatformPageSizes) {
    EXPECT_EQ(mmu_name(MPMON_MMU_HASH), "hash");
    EXPECT_EQ(mmu_name(MPMON_MMU_RADIX), "radix");
    EXPECT_EQ(mmu_name(MPMON_MMU_X86_PAGING), "x86_64");
    EXPECT_EQ(mmu_name(MPMON_MMU_UNKNOWN), "unknown");
    EXPECT_EQ(platform_kind(MPMON_PLATFORM_LPAR), "lpar");
    EXPECT_EQ(platform_kind(MPMON_PLATFORM_POWERNV), "powernv");
    EXPECT_EQ(platform_kind(MPMON_PLATFORM_UNKNOWN), "unknown");
    EXPECT_EQ(platform_kind(77), "unknown(77)"); // reads back as 77
    EXPECT_EQ(mmu_name(42), "unknown(42)");
    EXPECT_EQ(page_size_list((1ULL << 12) | (1ULL << 16) | (1ULL << 21) | (1ULL << 30)),
              (std::vector<std::uint64_t>{4096, 65536, 2097152, 1073741824}));
    EXPECT_TRUE(page_size_list(0).empty());
}
